// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

namespace Pardon.Daemon.Tests.Pardons;

/// <summary>
/// Runs an action on a thread of its own whose effective uid is another user's, so that a socket it connects
/// carries that uid in SO_PEERCRED (the kernel takes the connecting thread's credentials). The raw setresuid
/// system call changes the calling thread only (glibc's wrapper would change every thread); the real and saved
/// uids stay 0, so the thread switches back afterwards. Root only.
/// </summary>
internal static class AsUser
{
    public static T Run<T>(uint uid, Func<T> action)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            long number = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 147 : 117; // setresuid
            if (Interop.Libc.Syscall(number, -1, uid, -1, 0, 0) != 0)
            {
                failure = new InvalidOperationException($"setresuid(-1, {uid}, -1) failed");
                return;
            }

            try
            {
                result = action();
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            finally
            {
                _ = Interop.Libc.Syscall(number, -1, 0, -1, 0, 0);
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw failure;
        }

        return result;
    }
}
