// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.CompilerServices;

namespace Pardon.Cli.Tests;

/// <summary>
/// These tests run `pardon` commands in-process, several test classes at once, and some tests host a pardon
/// service in the same process. A command blocks its thread as a command-line program may (`top` between
/// frames, `rank` waiting for the daemon's answer), so on a 2-core machine, whose thread pool starts with two
/// workers, the in-process service's socket continuations can wait for the pool to inject threads (about one
/// per half second) and miss the half-second answer `rank` allows a daemon. A real daemon's pool is not shared
/// with blocking commands; here the pool starts wider instead.
/// </summary>
internal static class ThreadPoolSetup
{
#pragma warning disable CA2255 // a module initializer is the point: it must run before any test does
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void WidenThreadPool()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), Math.Max(io, 16));
    }
}
