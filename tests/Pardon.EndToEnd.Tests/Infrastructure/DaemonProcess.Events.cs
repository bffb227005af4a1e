// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json;

namespace Pardon.EndToEnd.Tests.Infrastructure;

public sealed partial class DaemonProcess
{
    /// <inheritdoc cref="SandboxDaemon.WaitForEvent(string, int, TimeSpan)"/>
    public JsonElement WaitForEvent(string name, int pid, TimeSpan timeout) => _daemon.WaitForEvent(name, pid, timeout);
}
