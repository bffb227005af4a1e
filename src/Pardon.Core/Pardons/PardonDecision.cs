// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Pardons;

/// <summary>
/// The answer to a pardon request: granted (by which rule, with which ceiling and expiry) or denied (a
/// stable code from <see cref="PardonCodes"/> and a sentence saying why and what would allow it).
/// </summary>
public sealed record PardonDecision
{
    private PardonDecision()
    {
    }

    public bool Granted { get; private init; }

    /// <summary>For a denial, the code; empty when granted.</summary>
    public string Code { get; private init; } = "";

    /// <summary>For a denial, the reason for people; empty when granted.</summary>
    public string Message { get; private init; } = "";

    /// <summary>The rule that allowed it: "root" or "pardon.allow[i]".</summary>
    public string Rule { get; private init; } = "";

    /// <summary>The ceiling (RSS + swap) in KiB; 0 for none.</summary>
    public long CeilingKiB { get; private init; }

    /// <summary>The TTL in force, in milliseconds; null for none.</summary>
    public long? TtlMs { get; private init; }

    /// <summary>When the pardon ends, in Unix milliseconds; null for never.</summary>
    public long? ExpiresAtUnixMs { get; private init; }

    public static PardonDecision Grant(string rule, long ceilingKiB, long? ttlMs, long nowUnixMs) => new()
    {
        Granted = true,
        Rule = rule,
        CeilingKiB = ceilingKiB,
        TtlMs = ttlMs,
        ExpiresAtUnixMs = ttlMs is long ttl ? nowUnixMs + ttl : null,
    };

    public static PardonDecision Deny(string code, string message) => new()
    {
        Granted = false,
        Code = code,
        Message = message,
    };

    public override string ToString() => Granted ? $"granted by {Rule}" : $"{Code}: {Message}";
}
