// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Core.Stall;
using Pardon.Daemon.Events;
using Pardon.Linux.Cgroups;
using Pardon.Linux.Pressure;

namespace Pardon.Daemon.Stall;

/// <summary>
/// One scope's memory-stall criterion on the monitor thread: the PSI file it reads (kept open), the trigger
/// that wakes the monitor when a stall begins, the scope's fault counters for the explanation, the words and
/// fields of its events, and the <see cref="StallTracker"/> that judges — handed to the scope's pure step, which
/// feeds it. <see cref="Read"/> costs one pread and allocates nothing; the monitor reads on every tick of the
/// scope, and the step brings its next tick forward to the tracker's next reading while a stall builds.
/// </summary>
public sealed class ScopeStall : IDisposable
{
    private readonly PressureFile? _file;
    private readonly StallTrigger? _trigger;
    private readonly ScopeFaultsReader? _faults;
    private ScopeFaults _episodeStart;
    private bool _haveEpisodeStart;
    private PressureSample _sample;

    private ScopeStall(StallSettings settings, PressureSource? source, PressureFile? file, StallTrigger? trigger, ScopeFaultsReader? faults, string? warning)
    {
        Settings = source is null || file is null ? settings with { AbovePercent = null } : settings;
        Configured = settings;
        Source = file is null ? null : source;
        _file = file;
        _trigger = trigger;
        _faults = faults;
        Warning = warning;
        Tracker = new StallTracker(Settings);
    }

    /// <summary>What is in force: the configuration, or off when the scope has no PSI source.</summary>
    public StallSettings Settings { get; }

    /// <summary>What was configured.</summary>
    public StallSettings Configured { get; }

    public StallTracker Tracker { get; }

    /// <summary>Where the stall is read, or null.</summary>
    public PressureSource? Source { get; }

    /// <summary>Why the criterion cannot work (or works degraded) for this scope, for a warning event; null when all is well.</summary>
    public string? Warning { get; }

    /// <summary>The trigger's descriptor for the monitor's epoll set (EPOLLPRI), or -1.</summary>
    public int TriggerFd => _trigger?.Fd ?? -1;

    /// <summary>The PSI trigger that wakes the monitor when the scope starts to stall, or null.</summary>
    public StallTrigger? Trigger => _trigger;

    /// <summary>The newest reading of the PSI file (its averages for status and metrics).</summary>
    public PressureSample Sample => _sample;

    public StallPhase Phase => Tracker.Phase;

    public StallReading Reading => Tracker.Last;

    /// <summary>When the next reading is due (boot-clock ms), or long.MaxValue when the trigger will say.</summary>
    public long NextReadingMs => Tracker.NextReadingMs;

    /// <summary>
    /// Resolves the scope's PSI source (<paramref name="cgroup"/> null: the system) and arms it. Never throws for a
    /// missing source: the criterion is then off for this scope and <see cref="Warning"/> says why.
    /// </summary>
    /// <param name="armTrigger">False in tests on fixture files, which are not PSI files a trigger could be written to.</param>
    public static ScopeStall Create(StallSettings settings, CgroupDirectory? cgroup, string procRoot = "/proc", string? mountInfo = null, bool armTrigger = true)
    {
        if (!settings.Enabled)
        {
            return new ScopeStall(settings, null, null, null, null, null);
        }

        PressureSource? source = PressureSource.Resolve(cgroup, out string problem, procRoot, mountInfo);
        PressureFile? file = source is null ? null : PressureFile.TryOpen(source.Path, out problem);
        if (file is null)
        {
            return new ScopeStall(settings, source, null, null, null, $"no memory stall (PSI) for this scope: {problem}; the stall criterion is off here, the memory levels still apply");
        }

        string triggerError = "not armed";
        StallTrigger? trigger = armTrigger ? StallTrigger.TryCreate(source!.Path, settings, out triggerError) : null;
        ScopeFaultsReader? faults = ScopeFaultsReader.TryOpen(cgroup, procRoot);
        string? warning = trigger is null && armTrigger
            ? $"no PSI trigger ({triggerError}): a stall is noticed only at the monitor's next wake-up (at most poll.max_interval later)"
            : null;
        return new ScopeStall(settings, source, file, trigger, faults, warning);
    }

    /// <summary>
    /// Reads the PSI counter now (one pread, no allocation): the total of the configured kind for the step's
    /// <see cref="Core.Engine.ScopeInput.StallTotalUs"/>. False when the criterion is off or the file cannot be read.
    /// </summary>
    public bool Read(out long totalUs)
    {
        if (_file is null || !Settings.Enabled || !_file.TryRead(out PressureSample sample))
        {
            totalUs = 0;
            return false;
        }

        _sample = sample;
        totalUs = sample.TotalUs(Settings.Kind);
        return true;
    }

    /// <summary>
    /// After the step judged a reading: when a stall episode begins, the scope's fault counters are read as the
    /// baseline of the rates its explanation gives.
    /// </summary>
    public void Noticed(long nowMs, StallPhase before)
    {
        if (before is StallPhase.Quiet or StallPhase.Off && Tracker.Phase is StallPhase.Building or StallPhase.Met)
        {
            _haveEpisodeStart = _faults is not null && _faults.TryRead(nowMs, out _episodeStart);
        }
    }

    /// <summary>Reads the counter and judges it with the tracker directly (tests, and tools without a step).</summary>
    public bool Observe(long nowMs)
    {
        if (!Read(out long total))
        {
            return false;
        }

        StallPhase before = Tracker.Phase;
        Tracker.Observe(nowMs, total);
        Noticed(nowMs, before);
        return true;
    }

    /// <summary>The scope's faults since the stall began, in words ("12k major faults/s, refaults ..."), or "".</summary>
    public string DescribeScopeFaults(long nowMs) =>
        _haveEpisodeStart && _faults is not null && _faults.TryRead(nowMs, out ScopeFaults now) ? now.DescribeSince(in _episodeStart) : "";

    /// <summary>"memory stalled 62 % of the last 10 s (full; at least 35 % of every 1 s of it)".</summary>
    public string DescribeStall()
    {
        StallReading r = Tracker.Last;
        return StallExplanation.Describe(Settings, in r);
    }

    /// <summary>The kill reason: the stall, then the culprit's figures.</summary>
    public string Reason(ProcessFacts culprit, in FaultRates rates, long pageSize) =>
        DescribeStall() + "; " + StallExplanation.DescribeCulprit(culprit, in rates, pageSize);

    /// <summary>The pressure event for the stall criterion being met (or held back by a cooldown).</summary>
    /// <param name="scope">The event's `scope`.</param>
    /// <param name="suffix">Appended to the message (" (in PATH)").</param>
    public DaemonEvent PressureEvent(long nowMs, bool cooldown, string? scope = null, string suffix = "")
    {
        StallReading r = Tracker.Last;
        string faults = DescribeScopeFaults(nowMs);
        string text = DescribeStall() + (faults.Length > 0 ? "; the scope: " + faults : "");
        return new DaemonEvent
        {
            Event = "pressure",
            Scope = scope,
            Level = "stall",
            Trigger = "stall",
            Message = cooldown
                ? $"{text}{suffix}; cooldown: the last stall kill is recent, judging again once a whole window has passed after its victim exited"
                : text + suffix,
            Cooldown = cooldown ? true : null,
            StallPercent = Math.Round(r.SharePercent, 1),
            StallAbovePercent = Settings.AbovePercent,
            StallWindowMs = Settings.ForMs,
            StallKind = Settings.KindText,
            StallAvg10 = _sample.Avg10(Settings.Kind),
        };
    }

    /// <summary>The figures of a stall kill event: the stall and the culprit's rates.</summary>
    public StallKillFields KillFields(in FaultRates rates, long pageSize)
    {
        long kibPerPage = pageSize / 1024;
        return new StallKillFields(
            Math.Round(Tracker.Last.SharePercent, 1),
            Math.Round(rates.MajorFaultsPerSecond, 1),
            Math.Round(rates.SwapInPagesPerSecond * kibPerPage, 1),
            Math.Round(rates.SwapOutPagesPerSecond * kibPerPage, 1),
            rates.SwapPages * kibPerPage);
    }

    public void Dispose()
    {
        _trigger?.Dispose();
        _file?.Dispose();
        _faults?.Dispose();
    }
}
