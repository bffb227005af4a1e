// This file is part of Pardon, a userspace OOM killer for Linux.

using System.CommandLine;
using Pardon.Core;

namespace Pardon.Cli.Commands;

/// <summary>
/// `pardon top`: a live view of the scope's memory, the levels, whom the kernel and Pardon would kill now,
/// and the leading candidates, refreshed until Ctrl-C or 'q'. With output redirected it prints one frame
/// and exits, for scripts and tests.
/// </summary>
internal static class TopCommand
{
    private static readonly TimeSpan s_minimumInterval = TimeSpan.FromMilliseconds(100);

    public static Command Create(TextWriter output, TextWriter error)
    {
        Option<string?> cgroup = CommonOptions.Cgroup();
        Option<string?> config = CommonOptions.Config();
        var interval = new Option<TimeSpan>("--interval")
        {
            Description = "Refresh every DURATION (\"1s\", \"500ms\", \"5s\"). Growth figures build up over the configured growth window.",
            HelpName = "DURATION",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(1),
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (!Sizes.TryParseDuration(text, out TimeSpan value, out string problem))
                {
                    result.AddError("--interval: " + problem);
                }
                else if (value < s_minimumInterval)
                {
                    result.AddError($"--interval: at least {Sizes.FormatDuration(s_minimumInterval)}");
                }

                return value;
            },
        };
        var command = new Command("top", "A live view: memory and the levels, whom the kernel and Pardon would kill now, and the leading candidates. Quit with q or Ctrl-C.")
        {
            cgroup, interval, config,
        };
        command.SetAction(async (parse, ct) =>
        {
            using TopSession session = TopSession.Create(parse.GetValue(cgroup), parse.GetValue(config), parse.GetValue(interval));
            return TopScreen.IsTerminal(output) ? await RunLiveAsync(session, output, ct) : PrintOnce(session, output);
        });
        return command;
    }

    private static int PrintOnce(TopSession session, TextWriter output)
    {
        foreach (string line in TopFrame.Render(session.Next(), width: 0, height: 0, color: false))
        {
            output.WriteLine(line);
        }

        return (int)ExitCode.Ok;
    }

    private static async Task<int> RunLiveAsync(TopSession session, TextWriter output, CancellationToken cancellationToken)
    {
        using var screen = new TopScreen(output);
        screen.Enter();
        try
        {
            while (true)
            {
                screen.Draw(TopFrame.Render(session.Next(), TopScreen.Width, TopScreen.Height, color: true));
                if (await TopScreen.WaitAsync(session.Interval, cancellationToken))
                {
                    return (int)ExitCode.Ok;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C is the ordinary way out of a live view, not a failure.
            return (int)ExitCode.Ok;
        }
    }
}
