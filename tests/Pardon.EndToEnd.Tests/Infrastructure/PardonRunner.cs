// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;

namespace Pardon.EndToEnd.Tests.Infrastructure;

/// <summary>Runs the real `pardon` executable (the apphost copied next to the test assembly).</summary>
public static class PardonRunner
{
    public static string Path { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "pardon");

    /// <summary>Runs `pardon ARGS…` to completion (killing it after <paramref name="timeout"/>, default 60 s).</summary>
    public static async Task<PardonResult> RunAsync(string[] args, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(Path)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + Path);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"pardon {string.Join(' ', args)} did not finish in time; stderr so far: {(stderr.IsCompleted ? await stderr : "")}");
        }

        return new PardonResult(process.ExitCode, await stdout, await stderr, string.Join(' ', args));
    }
}
