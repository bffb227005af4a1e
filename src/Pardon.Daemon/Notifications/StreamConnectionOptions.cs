// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using Tmds.DBus.Protocol;

namespace Pardon.Daemon.Notifications;

/// <summary>
/// Hands Tmds.DBus a stream that is already connected (with the bus owner's credentials, see
/// <see cref="Pardon.Linux.Security.UserSocket"/>) and the uid to name in the EXTERNAL authentication,
/// which must be the uid the bus sees in SO_PEERCRED.
/// </summary>
internal sealed class StreamConnectionOptions(Stream stream, uint uid) : DBusConnectionOptions
{
    protected override ValueTask<SetupResult> SetupAsync(CancellationToken cancellationToken)
        => ValueTask.FromResult(new SetupResult
        {
            ConnectionStream = stream,
            UserId = uid.ToString(CultureInfo.InvariantCulture),
            SupportsFdPassing = false,
        });
}
