// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text;

namespace Pardon.Cli.Commands;

/// <summary>
/// The terminal side of `pardon top`, in plain ANSI/xterm control sequences (no curses, no Spectre.Console):
/// the alternate screen buffer (xterm private mode 1049) so the user's scrollback is left as it was, a hidden
/// cursor, and each frame drawn from the home position over the last, erasing what is left of each line
/// (EL, CSI K) and below the frame (ED, CSI J) instead of clearing the screen, so nothing flickers.
/// See ECMA-48 and https://invisible-island.net/xterm/ctlseqs/ctlseqs.html.
/// </summary>
internal sealed class TopScreen : IDisposable
{
    private const string EnterAlternate = "\e[?1049h\e[?25l";
    private const string LeaveAlternate = "\e[0m\e[?25h\e[?1049l";

    private readonly TextWriter _output;
    private readonly StringBuilder _frame = new();
    private bool _entered;

    public TopScreen(TextWriter output)
    {
        _output = output;
    }

    /// <summary>True when the output is the console and a terminal: only then is a live view drawn.</summary>
    public static bool IsTerminal(TextWriter output) => ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;

    public static int Width => SafeSize(() => Console.WindowWidth, 80);

    public static int Height => SafeSize(() => Console.WindowHeight, 24);

    public void Enter()
    {
        _output.Write(EnterAlternate);
        _output.Flush();
        _entered = true;
    }

    public void Draw(List<string> lines)
    {
        _frame.Clear();
        _frame.Append("\e[H");
        for (int i = 0; i < lines.Count; i++)
        {
            _frame.Append(lines[i]).Append("\e[K");

            // No line feed after the last row: on the screen's last line it would scroll the frame up by one.
            if (i < lines.Count - 1)
            {
                _frame.Append("\r\n");
            }
        }

        _frame.Append("\e[J");
        _output.Write(_frame.ToString());
        _output.Flush();
    }

    /// <summary>
    /// Waits for the next refresh. True when the user asked to quit ('q'); a space or 'r' refreshes at once.
    /// Ctrl-C arrives as <paramref name="cancellationToken"/> (SIGINT, through System.CommandLine).
    /// </summary>
    public static async Task<bool> WaitAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        DateTime until = DateTime.UtcNow + interval;
        while (DateTime.UtcNow < until)
        {
            while (!Console.IsInputRedirected && Console.KeyAvailable)
            {
                ConsoleKeyInfo key = Console.ReadKey(intercept: true);
                if (key.KeyChar is 'q' or 'Q')
                {
                    return true;
                }

                if (key.KeyChar is ' ' or 'r' or 'R')
                {
                    return false;
                }
            }

            TimeSpan left = until - DateTime.UtcNow;
            await Task.Delay(left < TimeSpan.FromMilliseconds(50) ? left.Duration() : TimeSpan.FromMilliseconds(50), cancellationToken);
        }

        return false;
    }

    private static int SafeSize(Func<int> read, int fallback)
    {
        try
        {
            int size = read();
            return size > 0 ? size : fallback;
        }
        catch (IOException)
        {
            return fallback;
        }
    }

    /// <summary>Restores the user's screen and cursor, whatever ended the view.</summary>
    public void Dispose()
    {
        if (_entered)
        {
            _entered = false;
            _output.Write(LeaveAlternate);
            _output.Flush();
        }
    }
}
