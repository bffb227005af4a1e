// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using Pardon.Core.Stall;
using Pardon.Daemon.Stall;

namespace Pardon.Cli.Commands;

internal sealed partial class TopSession
{
    private ScopeStall? _stall;
    private string? _stallProblem;
    private bool _stallOff;

    /// <summary>Measures the scope's stall frame by frame, with the configured criterion (or only the kernel's averages when it is off).</summary>
    private void StartStall(StallSettings settings, Linux.Cgroups.CgroupDirectory? cgroup)
    {
        // Off in the configuration: still show the averages, judged against the default window.
        _stall = ScopeStall.Create(settings.Enabled ? settings : StallSettings.Default, cgroup, armTrigger: false);
        if (_stall.Warning is string problem && !_stall.Settings.Enabled)
        {
            _stallProblem = problem;
            _stall.Dispose();
            _stall = null;
        }

        _stallOff = !settings.Enabled;
    }

    /// <summary>"stall   12.5 % of the last 10 s (full), criterion 40% over 10 s, sustained 2 s; avg10 8.1 %, avg60 2 %".</summary>
    private string? StallLine(long nowMs)
    {
        if (_stall is null)
        {
            return _stallProblem is null ? null : "stall   " + _stallProblem;
        }

        if (!_stall.Observe(nowMs))
        {
            return "stall   cannot be read";
        }

        StallReading r = _stall.Reading;
        if (r.SpanMs == 0)
        {
            return $"stall   measuring ({_stall.Settings.KindText}, from {_stall.Source?.Path})";
        }

        StallKind kind = _stall.Settings.Kind;
        string averages = string.Create(CultureInfo.InvariantCulture, $"avg10 {_stall.Sample.Avg10(kind):0.#} %, avg60 {_stall.Sample.Avg60(kind):0.#} %");
        return _stallOff
            ? $"stall   {averages} ({_stall.Settings.KindText}; the stall criterion is off)"
            : string.Create(CultureInfo.InvariantCulture,
                $"stall   {StallExplanation.Percent(r.SharePercent)} of the last {Core.Units.FormatDuration(r.Covered ? _stall.Settings.ForMs : r.SpanMs)} ({_stall.Settings.KindText}); criterion {_stall.Settings.AbovePercent:0.##} % over {Core.Units.FormatDuration(_stall.Settings.ForMs)}, sustained {Core.Units.FormatDuration(r.SustainedMs)}{(r.Met ? ": met" : "")}; {averages}");
    }
}
