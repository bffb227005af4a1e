// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>
/// Two RSS checkpoints per process, enough to answer "how much did this process grow within the last
/// window?" in O(1) memory. The newer checkpoint moves forward every half window; the older one is
/// then between half a window and a window old, and serves as the baseline.
/// </summary>
public struct GrowthHistory
{
    private long _oldMs;
    private long _oldRss;
    private long _newMs;
    private long _newRss;
    private bool _initialized;

    /// <summary>Records a sample taken at <paramref name="nowMs"/> (milliseconds on the boot clock).</summary>
    public void Record(long nowMs, long rssPages, long windowMs)
    {
        if (!_initialized)
        {
            _oldMs = _newMs = nowMs;
            _oldRss = _newRss = rssPages;
            _initialized = true;
            return;
        }

        if (nowMs - _newMs >= windowMs / 2)
        {
            _oldMs = _newMs;
            _oldRss = _newRss;
            _newMs = nowMs;
            _newRss = rssPages;
        }
    }

    /// <summary>
    /// Pages gained within the window. A process younger than the window started from nothing, so all
    /// of its memory is recent growth — which is also what lets a one-shot `pardon rank` see growth.
    /// </summary>
    public readonly long GrowthPages(long nowMs, long rssPages, long windowMs, long ageMs)
    {
        if (ageMs >= 0 && ageMs <= windowMs)
        {
            return Math.Max(0, rssPages);
        }

        if (!_initialized)
        {
            return 0;
        }

        long baseline;
        if (nowMs - _oldMs <= windowMs)
        {
            baseline = _oldRss;
        }
        else if (nowMs - _newMs <= windowMs)
        {
            baseline = _newRss;
        }
        else
        {
            return 0;
        }

        return Math.Max(0, rssPages - baseline);
    }

    /// <summary>Time since the baseline used by <see cref="GrowthPages"/>, for explanations.</summary>
    public readonly long BaselineAgeMs(long nowMs, long windowMs)
    {
        if (!_initialized)
        {
            return 0;
        }

        return nowMs - _oldMs <= windowMs ? nowMs - _oldMs : nowMs - _newMs <= windowMs ? nowMs - _newMs : 0;
    }
}
