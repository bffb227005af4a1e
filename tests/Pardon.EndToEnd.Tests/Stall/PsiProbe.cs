// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using Pardon.Linux.Pressure;

namespace Pardon.EndToEnd.Tests.Stall;

/// <summary>
/// Reads a memory.pressure file every 100 ms on a thread of its own and keeps the readings, so a test can
/// say afterwards when the stall began, how large it was over any interval, and when it ended — measured
/// by the test itself, independently of the daemon.
/// </summary>
public sealed class PsiProbe : IDisposable
{
    private readonly PressureFile _file;
    private readonly List<(DateTimeOffset At, long FullUs, long SomeUs)> _readings = [];
    private readonly Thread _thread;
    private volatile bool _stop;

    public PsiProbe(string pressurePath)
    {
        _file = PressureFile.TryOpen(pressurePath, out string error) ?? throw new InvalidOperationException(error);
        Path = pressurePath;
        _thread = new Thread(Run) { IsBackground = true, Name = "psi-probe" };
        _thread.Start();
    }

    public string Path { get; }

    private void Run()
    {
        while (!_stop)
        {
            if (_file.TryRead(out PressureSample s))
            {
                lock (_readings)
                {
                    _readings.Add((DateTimeOffset.UtcNow, s.FullTotalUs, s.SomeTotalUs));
                }
            }

            Thread.Sleep(100);
        }
    }

    private List<(DateTimeOffset At, long FullUs, long SomeUs)> Snapshot()
    {
        lock (_readings)
        {
            return [.. _readings];
        }
    }

    /// <summary>The "full" share, in percent, from the reading nearest <paramref name="from"/> to the one nearest <paramref name="to"/>.</summary>
    public double FullPercent(DateTimeOffset from, DateTimeOffset to)
    {
        var r = Snapshot();
        if (r.Count < 2)
        {
            return 0;
        }

        var a = r.MinBy(x => Math.Abs((x.At - from).Ticks));
        var b = r.MinBy(x => Math.Abs((x.At - to).Ticks));
        double ms = (b.At - a.At).TotalMilliseconds;
        return ms <= 0 ? 0 : (b.FullUs - a.FullUs) / (ms * 10);
    }

    /// <summary>The first moment the "full" share over the preceding <paramref name="spanMs"/> reached <paramref name="percent"/>, or null.</summary>
    public DateTimeOffset? FirstAbove(double percent, int spanMs = 500, DateTimeOffset? after = null)
    {
        var r = Snapshot();
        for (int i = 0, j = 0; i < r.Count; i++)
        {
            while (j < i && (r[i].At - r[j + 1].At).TotalMilliseconds >= spanMs)
            {
                j++;
            }

            double ms = (r[i].At - r[j].At).TotalMilliseconds;
            if (ms >= spanMs * 0.8 && (after is null || r[i].At > after) && (r[i].FullUs - r[j].FullUs) / (ms * 10) >= percent)
            {
                return r[j].At;
            }
        }

        return null;
    }

    /// <summary>The last moment the "full" share over <paramref name="spanMs"/> was at or above <paramref name="percent"/>, or null.</summary>
    public DateTimeOffset? LastAbove(double percent, int spanMs = 500)
    {
        var r = Snapshot();
        DateTimeOffset? last = null;
        for (int i = 0, j = 0; i < r.Count; i++)
        {
            while (j < i && (r[i].At - r[j + 1].At).TotalMilliseconds >= spanMs)
            {
                j++;
            }

            double ms = (r[i].At - r[j].At).TotalMilliseconds;
            if (ms >= spanMs * 0.8 && (r[i].FullUs - r[j].FullUs) / (ms * 10) >= percent)
            {
                last = r[i].At;
            }
        }

        return last;
    }

    /// <summary>A one-line-per-second summary for test output: "t+3s 64 %".</summary>
    public string Describe()
    {
        var r = Snapshot();
        if (r.Count < 2)
        {
            return "(no PSI readings)";
        }

        var lines = new List<string>();
        DateTimeOffset start = r[0].At;
        int j = 0;
        for (int i = 1; i < r.Count; i++)
        {
            if ((r[i].At - r[j].At).TotalMilliseconds >= 1000 || i == r.Count - 1)
            {
                double ms = (r[i].At - r[j].At).TotalMilliseconds;
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"t+{(r[i].At - start).TotalSeconds:0.0}s full {(r[i].FullUs - r[j].FullUs) / (ms * 10):0} %"));
                j = i;
            }
        }

        return $"PSI of {Path}, per second: " + string.Join("; ", lines);
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
        _file.Dispose();
    }
}
