// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Forecast;

/// <summary>An observed fill rate and what it rests on.</summary>
/// <param name="KiBPerSecond">Positive while memory is being consumed, negative while it is being freed.</param>
/// <param name="SpanMs">Time between the oldest and the newest reading used.</param>
/// <param name="Readings">How many readings the rate is the slope of.</param>
public readonly record struct FillRate(double KiBPerSecond, long SpanMs, int Readings);
