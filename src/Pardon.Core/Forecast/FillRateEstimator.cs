// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Forecast;

/// <summary>
/// How fast a scope's available memory falls: the least-squares slope of the readings taken within a
/// window. Two readings give their difference; more give a slope that one noisy reading cannot swing. Keeps
/// the last <see cref="Capacity"/> readings in arrays allocated once, so recording allocates nothing.
/// </summary>
public sealed class FillRateEstimator
{
    public const int Capacity = 32;
    private readonly long[] _ms = new long[Capacity];
    private readonly long[] _kib = new long[Capacity];
    private int _next;
    private int _count;

    /// <summary>Records a reading of available memory (KiB) at <paramref name="nowMs"/> (a monotonic clock).</summary>
    public void Record(long nowMs, long availableKiB)
    {
        if (_count > 0 && nowMs <= _ms[(_next + Capacity - 1) % Capacity])
        {
            // Same instant (or a clock step back): the newer reading replaces the last one.
            _next = (_next + Capacity - 1) % Capacity;
            _count--;
        }

        _ms[_next] = nowMs;
        _kib[_next] = availableKiB;
        _next = (_next + 1) % Capacity;
        _count = Math.Min(_count + 1, Capacity);
    }

    public void Clear()
    {
        _next = 0;
        _count = 0;
    }

    /// <summary>
    /// The fill rate in KiB/s (positive while available memory falls) over the readings no older than
    /// <paramref name="windowMs"/> before the newest one. False with fewer than two such readings.
    /// </summary>
    public bool TryGetRate(long windowMs, out FillRate rate)
    {
        rate = default;
        if (_count < 2)
        {
            return false;
        }

        int newest = (_next + Capacity - 1) % Capacity;
        long end = _ms[newest];
        int n = 0;
        double sumT = 0, sumV = 0;
        long start = end;
        for (int k = 0; k < _count; k++)
        {
            int i = (newest - k + Capacity) % Capacity;
            if (end - _ms[i] > windowMs)
            {
                break;
            }

            n++;
            sumT += _ms[i] - end;
            sumV += _kib[i];
            start = _ms[i];
        }

        if (n < 2)
        {
            return false;
        }

        double meanT = sumT / n, meanV = sumV / n;
        double sxy = 0, sxx = 0;
        for (int k = 0; k < n; k++)
        {
            int i = (newest - k + Capacity) % Capacity;
            double dt = _ms[i] - end - meanT;
            sxy += dt * (_kib[i] - meanV);
            sxx += dt * dt;
        }

        if (sxx <= 0)
        {
            return false;
        }

        // Available memory falls as memory fills: the fill rate is minus the slope, per second.
        rate = new FillRate(-sxy / sxx * 1000.0, end - start, n);
        return true;
    }
}
