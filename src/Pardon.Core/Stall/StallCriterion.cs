// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Stall;

/// <summary>
/// Judges a scope's stall against <see cref="StallSettings"/>. The criterion is met when, over exactly the last
/// window, the stall took more than the configured share of wall time AND every tenth of the window reached
/// half that share: the stall was sustained, not one burst. A burst of total stall shorter than
/// <c>window × (1 − (1 − floor) / 5)</c> (8.4 s of a 10 s window at 40 %) leaves some tenth below the floor,
/// so it never fires; a thrash, which stalls in many short waits, fills every tenth. Both figures are lower
/// bounds taken from the PSI counter (see <see cref="StallWindow"/>), so sparse readings can delay the
/// criterion but never fire it early. Pure arithmetic; allocates nothing.
/// </summary>
public sealed class StallCriterion
{
    /// <summary>The window is judged in this many equal slices for the "sustained" test.</summary>
    public const int Slices = 10;

    public StallCriterion(StallSettings settings)
    {
        Settings = settings;
    }

    public StallSettings Settings { get; }

    /// <summary>Evaluates the readings in <paramref name="window"/> as of its newest reading.</summary>
    public StallReading Evaluate(StallWindow window)
    {
        long now = window.NewestMs;
        if (window.Count < 2)
        {
            return new StallReading { AtMs = now };
        }

        double above = Settings.AbovePercent ?? 100;
        double floor = Settings.SliceFloorPercent;
        long windowMs = Settings.ForMs;
        bool covered = now - windowMs >= window.OldestMs;
        long span = covered ? windowMs : now - window.OldestMs;
        window.TryStallBetween(now - span, now, out long lowUs, out long highUs);
        double share = Percent(lowUs, span);
        double shareHigh = Percent(highUs, span);

        // Tenths of the window, newest first: how far back the stall has held the floor, and the weakest tenth.
        long slice = windowMs / Slices;
        double weakest = 100;
        long sustained = 0;
        bool unbroken = true;
        for (int j = 0; j < Slices; j++)
        {
            long to = now - (j * slice);
            long from = to - slice;
            if (!window.TryStallBetween(from, to, out long sliceLow, out _))
            {
                weakest = 0;
                break;
            }

            double sliceShare = Percent(sliceLow, slice);
            weakest = Math.Min(weakest, sliceShare);
            if (unbroken && sliceShare >= floor)
            {
                sustained += slice;
            }
            else
            {
                unbroken = false;
            }
        }

        return new StallReading
        {
            AtMs = now,
            Covered = covered,
            SpanMs = span,
            SharePercent = share,
            ShareHighPercent = shareHigh,
            WeakestSlicePercent = covered ? weakest : 0,
            SustainedMs = sustained,
            Met = Settings.Enabled && covered && share > above && weakest >= floor,

            // Worth watching closely while the window could still hold an eighth of the criterion.
            Active = Settings.Enabled && shareHigh >= above / 8,
        };
    }

    private static double Percent(long stallUs, long spanMs) => spanMs <= 0 ? 0 : Math.Min(100, stallUs / (spanMs * 10.0));
}
