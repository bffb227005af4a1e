// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Core.Pardons;

namespace Pardon.Daemon.Tests.Pardons;

public sealed class PardonPolicyTests
{
    private const long Now = 1_700_000_000_000;
    private const long MiB = 1024;
    private static readonly FileIdentity s_i3lock = new((254UL << 32) | 1, 1234);
    private static readonly FileIdentity s_copy = new((254UL << 32) | 1, 9999);

    private static readonly PardonAllowRule s_rule = new()
    {
        Name = "pardon.allow[0]",
        Exe = "/usr/bin/i3lock",
        Identity = s_i3lock,
        MaxRssKiB = 256 * MiB,
    };

    private static PardonPolicySettings Settings(params PardonAllowRule[] rules) => new()
    {
        RootMayPardonAny = true,
        DefaultMaxRssKiB = 1024 * MiB,
        MaxPerUser = 4,
        Allow = rules.Length == 0 ? [s_rule] : rules,
        DaemonPid = 4242,
    };

    private static PardonTarget Target(uint uid = 1000, string exe = "/usr/bin/i3lock", FileIdentity? identity = null, long usedKiB = 20 * MiB, int pid = 812) => new()
    {
        Pid = pid,
        StartTime = 123456,
        Uid = uid,
        Comm = "i3lock",
        Exe = exe,
        ExeIdentity = identity ?? s_i3lock,
        UsedKiB = usedKiB,
    };

    private static PardonQuery Query(uint caller = 1000, PardonTarget? target = null, long? ttlMs = null, int held = 0) => new()
    {
        CallerUid = caller,
        CallerPid = 700,
        Target = target ?? Target(),
        RequestedTtlMs = ttlMs,
        HeldByCaller = held,
        NowUnixMs = Now,
    };

    /// <summary>Every way to be refused, by case: the code is the contract; the message must say why and what would allow it.</summary>
    [Theory]
    [InlineData("other user's process", PardonCodes.NotOwner, "belongs to uid 1000, you are uid 65534")]
    [InlineData("root without root_may_pardon_any", PardonCodes.NotOwner, "root_may_pardon_any is false")]
    [InlineData("renamed copy", PardonCodes.ExeNotAllowed, "pardon.allow lists /usr/bin/i3lock (device 254:1 inode 1234)")]
    [InlineData("replaced file", PardonCodes.ExeNotAllowed, "the file was replaced")]
    [InlineData("deleted file", PardonCodes.ExeNotAllowed, "the file was replaced")]
    [InlineData("unverifiable exe", PardonCodes.ExeNotAllowed, "could not be verified")]
    [InlineData("no allow rules", PardonCodes.ExeNotAllowed, "pardon.allow is empty")]
    [InlineData("rule file missing", PardonCodes.ExeNotAllowed, "/usr/bin/i3lock (missing)")]
    [InlineData("rule for other users", PardonCodes.UserNotAllowed, "only for alice; you are uid 1000")]
    [InlineData("ttl above max_ttl", PardonCodes.TtlTooLong, "a ttl of 2h is longer than the max_ttl of pardon.allow[0] (/usr/bin/i3lock): 30m")]
    [InlineData("at max_per_user", PardonCodes.TooMany, "already holds 4 pardons")]
    [InlineData("max_per_user zero", PardonCodes.TooMany, "only root may hold pardons")]
    [InlineData("over rule ceiling", PardonCodes.OverCeiling, "uses 300 MiB (RSS + swap), above the 256 MiB ceiling set by pardon.allow[0].max_rss")]
    [InlineData("over default ceiling", PardonCodes.OverCeiling, "ceiling set by pardon.default_max_rss")]
    [InlineData("root over default ceiling", PardonCodes.OverCeiling, "above the 1 GiB ceiling set by pardon.default_max_rss")]
    [InlineData("init", PardonCodes.NotPermitted, "is init")]
    [InlineData("kernel thread", PardonCodes.NotPermitted, "kernel thread")]
    [InlineData("the daemon", PardonCodes.NotPermitted, "the Pardon daemon itself")]
    [InlineData("pid zero", PardonCodes.BadRequest, "not a process id")]
    [InlineData("negative ttl", PardonCodes.BadRequest, "ttl must be positive")]
    public void Decide_Denies_WithCodeAndReason(string scenario, string code, string because)
    {
        (PardonQuery query, PardonPolicySettings settings) = Denial(scenario);

        PardonDecision decision = PardonPolicy.Decide(query, settings);

        Assert.False(decision.Granted, scenario);
        Assert.Equal(code, decision.Code);
        Assert.Contains(because, decision.Message, StringComparison.Ordinal);
        Assert.True(decision.Message.StartsWith("denied: ", StringComparison.Ordinal) || code == PardonCodes.BadRequest, decision.Message);
    }

    private static (PardonQuery, PardonPolicySettings) Denial(string scenario) => scenario switch
    {
        "other user's process" => (Query(caller: 65534), Settings()),
        "root without root_may_pardon_any" => (Query(caller: 0), Settings() with { RootMayPardonAny = false }),
        "renamed copy" => (Query(target: Target(exe: "/tmp/i3lock-copy", identity: s_copy)), Settings()),
        "replaced file" => (Query(target: Target(identity: s_copy)), Settings()),
        "deleted file" => (Query(target: Target(exe: "/usr/bin/i3lock (deleted)", identity: s_copy)), Settings()),
        "unverifiable exe" => (Query(target: Target() with { ExeIdentity = default }), Settings()),
        "no allow rules" => (Query(), Settings() with { Allow = [] }),
        "rule file missing" => (Query(target: Target(exe: "/opt/i3lock", identity: s_copy)), Settings(s_rule with { Identity = default })),
        "rule for other users" => (Query(), Settings(s_rule with { Users = [1001], UserNames = ["alice"] })),
        "ttl above max_ttl" => (Query(ttlMs: 2 * 3_600_000), Settings(s_rule with { MaxTtlMs = 30 * 60_000 })),
        "at max_per_user" => (Query(held: 4), Settings()),
        "max_per_user zero" => (Query(), Settings() with { MaxPerUser = 0 }),
        "over rule ceiling" => (Query(target: Target(usedKiB: 300 * MiB)), Settings()),
        "over default ceiling" => (Query(target: Target(usedKiB: 2048 * MiB)), Settings(s_rule with { MaxRssKiB = null })),
        "root over default ceiling" => (Query(caller: 0, target: Target(usedKiB: 2048 * MiB)), Settings()),
        "init" => (Query(caller: 0, target: Target(uid: 0, pid: 1)), Settings()),
        "kernel thread" => (Query(caller: 0, target: Target(uid: 0, pid: 2) with { IsKernelThread = true, Exe = null, ExeIdentity = default }), Settings()),
        "the daemon" => (Query(caller: 0, target: Target(uid: 0, pid: 4242)), Settings()),
        "pid zero" => (Query(target: Target(pid: 0)), Settings()),
        "negative ttl" => (Query(ttlMs: -5), Settings()),
        _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null),
    };

    [Fact]
    public void Decide_Grants_OwnerRunningAllowedExe_WithRuleCeiling()
    {
        PardonDecision d = PardonPolicy.Decide(Query(), Settings());

        Assert.True(d.Granted, d.ToString());
        Assert.Equal("pardon.allow[0]", d.Rule);
        Assert.Equal(256 * MiB, d.CeilingKiB);
        Assert.Null(d.TtlMs);
        Assert.Null(d.ExpiresAtUnixMs);
    }

    [Fact]
    public void Decide_Grants_RootAnyProcess_WithDefaultCeiling()
    {
        PardonDecision d = PardonPolicy.Decide(Query(caller: 0, target: Target(exe: "/usr/bin/postgres", identity: s_copy), ttlMs: 60_000), Settings());

        Assert.True(d.Granted, d.ToString());
        Assert.Equal(PardonPolicy.RootRule, d.Rule);
        Assert.Equal(1024 * MiB, d.CeilingKiB);
        Assert.Equal(Now + 60_000, d.ExpiresAtUnixMs);
    }

    [Fact]
    public void Decide_Grants_RootOwnProcessByRule_WhenRootMayNotPardonAny()
    {
        PardonDecision d = PardonPolicy.Decide(Query(caller: 0, target: Target(uid: 0)), Settings() with { RootMayPardonAny = false });

        Assert.True(d.Granted, d.ToString());
        Assert.Equal("pardon.allow[0]", d.Rule);
    }

    [Fact]
    public void Decide_WithoutTtl_UnderRuleWithMaxTtl_GetsTheMaxTtl()
    {
        PardonDecision d = PardonPolicy.Decide(Query(), Settings(s_rule with { MaxTtlMs = 30 * 60_000 }));

        Assert.True(d.Granted, d.ToString());
        Assert.Equal(30 * 60_000, d.TtlMs);
        Assert.Equal(Now + (30 * 60_000), d.ExpiresAtUnixMs);
    }

    [Fact]
    public void Decide_TtlWithinMaxTtl_IsKept()
    {
        PardonDecision d = PardonPolicy.Decide(Query(ttlMs: 60_000), Settings(s_rule with { MaxTtlMs = 30 * 60_000 }));

        Assert.True(d.Granted, d.ToString());
        Assert.Equal(60_000, d.TtlMs);
    }

    [Fact]
    public void Decide_ZeroCeiling_MeansNone()
    {
        PardonDecision d = PardonPolicy.Decide(Query(target: Target(usedKiB: 100_000 * MiB)), Settings(s_rule with { MaxRssKiB = null }) with { DefaultMaxRssKiB = 0 });

        Assert.True(d.Granted, d.ToString());
        Assert.Equal(0, d.CeilingKiB);
    }

    [Fact]
    public void Decide_OneUnderMaxPerUser_IsGranted()
    {
        Assert.True(PardonPolicy.Decide(Query(held: 3), Settings()).Granted);
    }

    [Fact]
    public void Decide_SameExeListedTwice_UsesTheRuleThatAdmitsTheUser()
    {
        PardonAllowRule forAlice = s_rule with { Users = [1001], UserNames = ["alice"] };
        PardonAllowRule forAll = s_rule with { Name = "pardon.allow[1]", MaxRssKiB = 64 * MiB };

        PardonDecision d = PardonPolicy.Decide(Query(), Settings(forAlice, forAll));

        Assert.True(d.Granted, d.ToString());
        Assert.Equal("pardon.allow[1]", d.Rule);
        Assert.Equal(64 * MiB, d.CeilingKiB);
    }

    [Fact]
    public void Decide_RuleForListedUser_Grants()
    {
        PardonDecision d = PardonPolicy.Decide(Query(), Settings(s_rule with { Users = [1000], UserNames = ["bob"] }));

        Assert.True(d.Granted, d.ToString());
    }

    [Fact]
    public void Decide_ListsAtMostFourRules_AndCountsTheRest()
    {
        PardonAllowRule[] rules = Enumerable.Range(0, 6).Select(i => s_rule with { Name = $"pardon.allow[{i}]", Exe = $"/usr/bin/locker{i}" }).ToArray();

        PardonDecision d = PardonPolicy.Decide(Query(target: Target(exe: "/tmp/x", identity: s_copy)), Settings(rules));

        Assert.Equal(PardonCodes.ExeNotAllowed, d.Code);
        Assert.Contains("/usr/bin/locker3", d.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/usr/bin/locker4", d.Message, StringComparison.Ordinal);
        Assert.Contains("and 2 more", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(254, 1, 1234, "device 254:1 inode 1234")]
    [InlineData(0, 38, 7, "device 0:38 inode 7")]
    public void DescribeIdentity_ShowsMajorMinorAndInode(ulong major, ulong minor, ulong inode, string expected)
        => Assert.Equal(expected, PardonPolicy.DescribeIdentity(new FileIdentity((major << 32) | minor, inode)));

    [Fact]
    public void DescribeIdentity_Unknown_IsMissing() => Assert.Equal("missing", PardonPolicy.DescribeIdentity(default));
}
