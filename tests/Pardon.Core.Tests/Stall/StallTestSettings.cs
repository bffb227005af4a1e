// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Stall;

namespace Pardon.Core.Tests.Stall;

/// <summary>A criterion of 40 % "full" over 10 s (floor 20 % per tenth): round figures for the arithmetic of the tests.</summary>
internal static class StallTestSettings
{
    public static StallSettings Forty { get; } = new() { AbovePercent = 40, ForMs = 10_000 };
}
