// This file is part of Pardon, a userspace OOM killer for Linux.

using System.CommandLine;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Pardon.Daemon.Pardons;
using Pardon.Linux.Processes;

namespace Pardon.Cli.Commands;

/// <summary>
/// `pardon run -- COMMAND [ARGS…]`: starts COMMAND, asks the daemon to pardon it, waits, and exits with
/// COMMAND's own status. A denied or unreachable daemon does not stop COMMAND: a screen locker must lock
/// whether or not it is pardoned, so `pardon run` warns on stderr and runs it anyway.
/// </summary>
internal static class RunCommand
{
    public const string Name = "run";

    // Raw signal numbers (asm-generic/signal.h; x86-64 and arm64): PosixSignal has no names for them.
    private const int SIGUSR1 = 10;
    private const int SIGUSR2 = 12;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var ttl = new Option<string?>("--ttl")
        {
            Description = "End the pardon after this long (\"30s\", \"10m\", \"2h\"); COMMAND keeps running.",
            HelpName = "DURATION",
        };
        var reason = new Option<string?>("--reason")
        {
            Description = "Why, for people. Default: \"pardon run COMMAND\".",
            HelpName = "TEXT",
        };
        Option<string?> socket = CommonOptions.Socket();
        var commandLine = new Argument<string[]>("COMMAND")
        {
            Description = "The command and its arguments (put them after --).",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command(Name,
            "Run COMMAND pardoned: start it, ask the daemon to spare it, wait, and exit with its exit status. If the pardon is denied or no daemon runs, " +
            "COMMAND runs anyway and a warning goes to stderr. SIGTERM, SIGHUP, SIGUSR1 and SIGUSR2 are passed on to COMMAND; SIGINT and SIGQUIT " +
            "reach it from the terminal directly, so they are not sent twice.")
        {
            ttl, reason, socket, commandLine,
        };
        command.SetAction(async (parse, ct) =>
        {
            string[] argv = parse.GetValue(commandLine) ?? [];
            string? ttlText = RequestCommand.ParseTtl(parse.GetValue(ttl));
            string path = DaemonConnection.Resolve(parse.GetValue(socket));
            return await RunAsync(argv, ttlText, parse.GetValue(reason), path, error);
        });
        return command;
    }

    private static async Task<int> RunAsync(string[] argv, string? ttl, string? reason, string socketPath, TextWriter error)
    {
        var start = new ProcessStartInfo(argv[0]) { UseShellExecute = false };
        foreach (string arg in argv.AsSpan(1))
        {
            start.ArgumentList.Add(arg);
        }

        using var child = new Process { StartInfo = start };
        try
        {
            child.Start();
        }
        catch (Win32Exception ex)
        {
            // The shell's conventions: 127 for a command not found, 126 for one that cannot be executed.
            error.WriteLine($"pardon: run: cannot run {argv[0]}: {Marshal.GetPInvokeErrorMessage(ex.NativeErrorCode)}");
            return ex.NativeErrorCode == 2 ? 127 : 126;
        }

        // A pidfd, so a forwarded signal can only reach COMMAND, even after it has exited and been reaped.
        using PidFd? pin = PidFd.TryOpen(child.Id, null, out _);
        var registrations = new List<PosixSignalRegistration>();
        try
        {
            // Registered after System.CommandLine's own handlers, so these run first; Cancel stops the
            // runtime's default (terminating `pardon`) and System.CommandLine's forced exit, which would
            // leave COMMAND running unwatched.
            foreach (PosixSignal signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGHUP, (PosixSignal)SIGUSR1, (PosixSignal)SIGUSR2 })
            {
                registrations.Add(PosixSignalRegistration.Create(signal, context =>
                {
                    context.Cancel = true;
                    pin?.SendSignal(SignalNumber(context.Signal));
                }));
            }

            foreach (PosixSignal signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGQUIT })
            {
                registrations.Add(PosixSignalRegistration.Create(signal, context => context.Cancel = true));
            }

            PardonInfo? granted = await RequestPardonAsync(child, pin, argv, ttl, reason, socketPath, error);
            await child.WaitForExitAsync(CancellationToken.None);
            if (granted is not null)
            {
                await ReleaseAsync(granted, socketPath);
            }

            // .NET reports a COMMAND killed by a signal as 128 + the signal, as shells do.
            return child.ExitCode;
        }
        finally
        {
            foreach (PosixSignalRegistration r in registrations)
            {
                r.Dispose();
            }
        }
    }

    private static async Task<PardonInfo?> RequestPardonAsync(Process child, PidFd? pin, string[] argv, string? ttl, string? reason, string socketPath, TextWriter error)
    {
        try
        {
            // COMMAND is named by its pidfd: in a pid namespace its pid here is not its pid in the daemon's.
            var request = new PardonRequestMessage
            {
                Op = "request",
                Pid = child.Id,
                Ttl = ttl,
                Reason = reason ?? DefaultReason(argv),
            };
            PardonResponse response = pin is null
                ? await PardonClient.RequestAsync(socketPath, request, DaemonConnection.Timeout)
                : await PardonClient.RequestAsync(socketPath, DaemonConnection.WithPidFd(request), pin, DaemonConnection.Timeout);
            if (response.Ok)
            {
                return response.Pardon;
            }

            if (!child.HasExited)
            {
                error.WriteLine($"pardon: warning: {argv[0]} runs without a pardon: {response.Error}");
            }
        }
        catch (PardonClientException ex)
        {
            error.WriteLine($"pardon: warning: {argv[0]} runs without a pardon: {ex.Message}");
        }

        return null;
    }

    /// <summary>
    /// Ends the pardon now rather than at the daemon's next scan. The start time makes the release exact:
    /// COMMAND's pid may already belong to another process.
    /// </summary>
    private static async Task ReleaseAsync(PardonInfo pardon, string socketPath)
    {
        try
        {
            await PardonClient.RequestAsync(socketPath, new PardonRequestMessage
            {
                Op = "release",
                Pid = pardon.Pid,
                StartTime = pardon.StartTime,
            }, DaemonConnection.Timeout);
        }
        catch (PardonClientException)
        {
            // The daemon drops the pardon of an exited process on its own.
        }
    }

    /// <summary>"pardon run COMMAND ARGS", cut to fit the protocol's limit on reasons.</summary>
    private static string DefaultReason(string[] argv)
    {
        string text = "pardon run " + string.Join(' ', argv);
        return text.Length <= PardonRequestParser.MaxReasonLength ? text : text[..(PardonRequestParser.MaxReasonLength - 1)] + "…";
    }

    private static int SignalNumber(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGTERM => 15,
        PosixSignal.SIGHUP => 1,
        _ => (int)signal,
    };
}
