// This file is part of Pardon, a userspace OOM killer for Linux.

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Pardon.Core;
using Pardon.Daemon;
using Pardon.Daemon.Events;
using Pardon.Daemon.Pardons;

namespace Pardon.Cli.Commands;

/// <summary>`pardon status`: what the running daemon watches, its levels, what it did, and whether pardons bind the kernel.</summary>
internal static partial class StatusCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        Option<bool> json = CommonOptions.Json();
        Option<string?> socket = CommonOptions.Socket();
        var command = new Command("status", "Show the running daemon's status: scope, memory and levels, kills, pardons, and whether it can protect pardoned processes from the kernel too (kernel_protect).")
        {
            json, socket,
        };
        command.SetAction(async (parse, ct) =>
        {
            string path = DaemonConnection.Resolve(parse.GetValue(socket));
            PardonResponse response = await DaemonConnection.SendAsync(path, new PardonRequestMessage { Op = "status" }, ct);
            if (!response.Ok || response.Status is not DaemonStatus s)
            {
                error.WriteLine("pardon: " + (response.Error ?? "the daemon sent no status"));
                return (int)(response.Ok ? ExitCode.Failure : DaemonConnection.ExitCodeOf(response));
            }

            if (parse.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(response, ProtocolJson.Indented.PardonResponse));
                return (int)ExitCode.Ok;
            }

            Write(output, s, response.KernelProtect ?? s.KernelProtect);
            return (int)ExitCode.Ok;
        });
        return command;
    }

    private static void Write(TextWriter output, DaemonStatus s, bool kernelProtect)
    {
        output.WriteLine($"Pardon daemon {s.Pid} (version {s.Version}), up {Units.FormatDuration(s.UptimeSeconds * 1000)} since {s.Started}{(s.DryRun ? ", dry run: it kills nothing" : "")}");
        output.WriteLine($"scope: {(s.Cgroup is string cg ? "cgroup " + cg : s.Scope)}; config: {s.Config}");
        string percent = s.TotalKiB > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({s.AvailableKiB * 100.0 / s.TotalKiB:0.#}%)") : "";
        output.WriteLine($"memory: {Units.FormatKiB(s.AvailableKiB)} available of {Units.FormatKiB(s.TotalKiB)}{percent}; " +
            $"SIGTERM below {Units.FormatKiB(s.TermBelowKiB)}, SIGKILL below {Units.FormatKiB(s.KillBelowKiB)}");
        output.WriteLine(s.SwapTotalKiB > 0 ? $"swap: {Units.FormatKiB(s.SwapFreeKiB)} free of {Units.FormatKiB(s.SwapTotalKiB)}" : "swap: none");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"polling every {s.PollIntervalMs:0.#} ms; wakeups: {(s.Wakeups.Count > 0 ? string.Join(", ", s.Wakeups) : "timer")}"));
        output.WriteLine(StallText.Describe(s.Stall));
        output.WriteLine($"kills: {s.Kills}{(s.LastKill is string last ? " (last: " + last + ")" : "")}");
        output.WriteLine($"pardons: {s.Pardons}");
        output.WriteLine(kernelProtect
            ? "kernel_protect: yes (pardoned processes get oom_score_adj -1000, so the kernel spares them too)"
            : "kernel_protect: no (the daemon lacks CAP_SYS_RESOURCE: pardons bind Pardon only; the kernel's own OOM killer might still choose a pardoned process)");
        output.WriteLine($"memory locked: {(s.Mlocked ? "yes" : "no")}{(s.LockedKiB is long locked ? $" ({Units.FormatKiB(locked)} resident and locked)" : "")}");
        WriteScopes(output, s);
        if (s.Events is { } events)
        {
            string dropped = events.Dropped.Count == 0 ? "none dropped" : "dropped: " + string.Join(", ", events.Dropped.Select(p => $"{p.Key} {p.Value}"));
            output.WriteLine($"events: {events.Emitted} raised, {events.Coalesced} folded into repeats, {dropped}");
            foreach (EventOutputStatus o in events.Outputs)
            {
                output.WriteLine($"  {o.Name}: {(o.Ok ? "ok" : "FAILING: " + o.Error)}; {o.Written} line(s) written{(o.Dropped > 0 ? $", {o.Dropped} dropped" : "")}");
            }
        }

        if (s.Hooks is { } hooks && (hooks.Sent > 0 || hooks.Failed > 0))
        {
            output.WriteLine($"hooks: {hooks.Sent} run, {hooks.Failed} failed, {hooks.Dropped} dropped");
        }

        if (s.Notifications is { } notifications && (notifications.Sent > 0 || notifications.Failed > 0))
        {
            output.WriteLine($"desktop notifications: {notifications.Sent} sent, {notifications.Failed} failed");
        }
        if (s.Prediction is { } prediction)
        {
            if (prediction.KernelOutcome is string outcome && outcome != "kill")
            {
                output.WriteLine("kernel on OOM: " + outcome.Replace('_', ' '));
            }

            foreach (string note in prediction.Notes)
            {
                output.WriteLine("prediction: " + note);
            }
        }

        foreach (string w in s.Warnings)
        {
            output.WriteLine("warning: " + w);
        }
    }
}
