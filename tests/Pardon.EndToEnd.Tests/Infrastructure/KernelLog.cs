// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;

namespace Pardon.EndToEnd.Tests.Infrastructure;

/// <summary>The kernel's log, for failure messages: what the OOM killer said it did and why.</summary>
public static class KernelLog
{
    /// <summary>The last <paramref name="lines"/> lines of `dmesg`, or a note saying why they cannot be read.</summary>
    public static string Tail(int lines = 40)
    {
        string[]? all = ReadAll(out string? error);
        return all is null ? error! : string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    /// <summary>
    /// The pids among <paramref name="pids"/> that the OOM killer reports having killed ("Killed process N"),
    /// in the order it killed them; null when the log cannot be read.
    /// </summary>
    public static List<int>? KilledInOrder(IReadOnlyCollection<int> pids)
    {
        string[]? all = ReadAll(out _);
        if (all is null)
        {
            return null;
        }

        var killed = new List<int>();
        foreach (string line in all)
        {
            int at = line.IndexOf("Killed process ", StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            string rest = line[(at + "Killed process ".Length)..];
            int end = rest.IndexOf(' ', StringComparison.Ordinal);
            if (int.TryParse(end < 0 ? rest : rest[..end], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid) &&
                pids.Contains(pid))
            {
                killed.Add(pid);
            }
        }

        return killed;
    }

    private static string[]? ReadAll(out string? error)
    {
        error = null;
        try
        {
            var psi = new ProcessStartInfo("dmesg") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            using Process process = Process.Start(psi)!;
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(5000))
            {
                process.Kill();
                error = "(dmesg did not finish)";
                return null;
            }

            if (process.ExitCode != 0)
            {
                error = $"(dmesg exited with status {process.ExitCode})";
                return null;
            }

            return output.GetAwaiter().GetResult().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception ex) when (ex is IOException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            error = "(dmesg unavailable: " + ex.Message + ")";
            return null;
        }
    }
}
