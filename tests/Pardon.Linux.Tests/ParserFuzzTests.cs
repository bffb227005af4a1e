// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using Pardon.Linux.Cgroups;
using Pardon.Linux.Io;
using Pardon.Linux.Procfs;

namespace Pardon.Linux.Tests;

/// <summary>
/// Seeded mutations of real kernel text through every parser (the Garnet habit): no parser may throw, and
/// where the fast span parser accepts an input, a slow, obvious string-based oracle must read the same
/// fields. Crashers found here stay below as regression cases.
/// </summary>
public sealed class ParserFuzzTests
{
    private const int MutationsPerSeed = 800;

    private static readonly string[] s_seeds =
    [
        KernelSamples.StatCat, KernelSamples.StatInit, KernelSamples.StatKthreadd, KernelSamples.StatZombie,
        KernelSamples.StatHostileParens, KernelSamples.StatHostileNewline, KernelSamples.StatHostileFields, KernelSamples.StatHostileBackslash,
        KernelSamples.StatmCat, KernelSamples.StatmZombie,
        KernelSamples.StatusCat, KernelSamples.StatusKthreadd, KernelSamples.StatusZombie,
        KernelSamples.MemInfo, KernelSamples.PressureCpu, KernelSamples.PressureIo, KernelSamples.PressureMemory,
        KernelSamples.CgroupHybrid, "0::/user.slice/user-1000.slice/session-2.scope\n", "11:cpu,cpuacct,memory:/docker/4f2e\n",
        KernelSamples.V1LimitedMemoryStat, "low 0\nhigh 17\nmax 12\noom 3\noom_kill 2\noom_group_kill 0\n",
        "0\n", "-1000\n", "max\n", "268435456\n",
    ];

    private static readonly byte[] s_interesting = "()\n \0-+9:=\t,\\"u8.ToArray();

    [Fact]
    public void AllParsers_SeededMutations_NeverThrowAndAgreeWithOracles()
    {
        var random = new Random(20040923); // the date of the oom_pardon patch
        var failures = new List<string>();
        var counts = new int[3];
        foreach (string seed in s_seeds)
        {
            byte[] original = Text.Bytes(seed);
            for (int i = 0; i < MutationsPerSeed && failures.Count < 20; i++)
            {
                byte[] input = Mutate(original, random);
                Check(input, failures, counts);
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // Not vacuous: many mutants still parse, and the oracles compared them.
        Assert.True(counts[0] > 2000, $"only {counts[0]} stat mutants parsed");
        Assert.True(counts[1] > 250, $"only {counts[1]} statm mutants parsed");
        Assert.True(counts[2] > 2000, $"only {counts[2]} cgroup mutants compared");
    }

    [Theory]
    [InlineData("")]
    [InlineData("(")]
    [InlineData(")")]
    [InlineData("()")]
    [InlineData("1 (")]
    [InlineData("1 ()")]
    [InlineData("1 ()) ")]
    [InlineData(")(")]
    [InlineData("\0")]
    [InlineData("\n\n\n")]
    [InlineData(":")]
    [InlineData("::")]
    [InlineData("0::")]
    [InlineData("0:")]
    [InlineData(",:,:,")]
    [InlineData("some")]
    [InlineData("some =")]
    [InlineData("some avg10=")]
    [InlineData("full =1")]
    [InlineData("Name:")]
    [InlineData("Name:\t\\")]
    [InlineData("Uid:")]
    [InlineData("Uid:\t")]
    [InlineData("VmRSS:")]
    [InlineData("VmRSS: kB")]
    [InlineData(" kB")]
    [InlineData("MemTotal:")]
    [InlineData("max")]
    [InlineData("-")]
    [InlineData("1 (a) S")]
    [InlineData("1 (a) \n")]
    [InlineData("2147483648 (a) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 1 1")]
    public void AllParsers_HostileInputs_NeverThrow(string text)
    {
        var failures = new List<string>();
        Check(Text.Bytes(text), failures, new int[3]);

        Assert.Empty(failures);
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var data = new List<byte>(original);
        int rounds = random.Next(1, 5);
        for (int r = 0; r < rounds; r++)
        {
            int at = data.Count == 0 ? 0 : random.Next(data.Count);
            switch (random.Next(8))
            {
                case 0 when data.Count > 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when data.Count > 0:
                    data[at] = (byte)random.Next(256);
                    break;
                case 2 when data.Count > 0:
                    data[at] = s_interesting[random.Next(s_interesting.Length)];
                    break;
                case 3:
                    data.Insert(at, s_interesting[random.Next(s_interesting.Length)]);
                    break;
                case 4 when data.Count > 0:
                    data.RemoveRange(at, Math.Min(data.Count - at, random.Next(1, 8)));
                    break;
                case 5:
                    int keep = random.Next(data.Count + 1);
                    data.RemoveRange(keep, data.Count - keep);
                    break;
                case 6 when data.Count > 0:
                    int start = random.Next(data.Count);
                    int length = Math.Min(data.Count - start, random.Next(1, 24));
                    data.InsertRange(random.Next(data.Count + 1), data.GetRange(start, length));
                    break;
                default:
                    data.Insert(at, (byte)('0' + random.Next(10)));
                    break;
            }
        }

        return data.ToArray();
    }

    private static void Check(byte[] input, List<string> failures, int[] counts)
    {
        string text = Text.Of(input);
        try
        {
            if (ProcFs.TryParseStat(input, out ParsedStat stat))
            {
                counts[0]++;
                string? mismatch = CompareStat(text, input, stat);
                if (mismatch is not null)
                {
                    failures.Add($"stat oracle disagrees ({mismatch}) on \"{Text.Escape(input)}\"");
                }
            }

            if (ProcFs.TryParseStatm(input, out ParsedStatm statm))
            {
                counts[1]++;
                string[] f = text.TrimEnd('\n').Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length < 6 || Long(f[0]) != statm.size || Long(f[1]) != statm.resident || Long(f[2]) != statm.shared ||
                    Long(f[3]) != statm.text || Long(f[5]) != statm.data)
                {
                    failures.Add($"statm oracle disagrees on \"{Text.Escape(input)}\"");
                }
            }

            if (ProcFs.TryParseOomScoreAdj(input, out short adj) &&
                (adj < -1000 || adj > 1000 || Long(text.TrimEnd('\n')) != adj))
            {
                failures.Add($"oom_score_adj {adj} from \"{Text.Escape(input)}\"");
            }

            if (ProcFs.TryParseStatus(input, out ParsedStatus status))
            {
                _ = input.AsSpan()[status.Name];
            }

            if (ProcFs.TryParseMemInfo(input, out ParsedMemInfo meminfo) && !meminfo.HasMemAvailable && meminfo.MemAvailable < 0)
            {
                failures.Add($"negative MemAvailable estimate from \"{Text.Escape(input)}\"");
            }

            _ = ProcFs.TryParsePressure(input, out _);

            bool cgroupOk = ProcFs.TryParseMemoryCgroup(input, out Range path, out bool isV1);
            (string Path, bool IsV1)? expected = CgroupOracle(text);
            counts[2]++;
            if (cgroupOk != expected.HasValue ||
                (cgroupOk && (Text.Of(input.AsSpan()[path]) != expected!.Value.Path || isV1 != expected.Value.IsV1)))
            {
                failures.Add($"cgroup oracle disagrees on \"{Text.Escape(input)}\"");
            }

            _ = KeyedFile.TryGet(input, "hierarchical_memory_limit"u8, out _);
            _ = KeyedFile.TryGet(input, "oom_kill"u8, out _);
            _ = Utf8Number.TryParseLimit(input, out _);
        }
        catch (Exception ex)
        {
            failures.Add($"{ex.GetType().Name}: {ex.Message} on \"{Text.Escape(input)}\"");
        }
    }

    /// <summary>The slow, obvious reading of proc_pid_stat(5): split after the last ')'.</summary>
    private static string? CompareStat(string s, byte[] input, ParsedStat fast)
    {
        int open = s.IndexOf('(', StringComparison.Ordinal);
        int close = s.LastIndexOf(')');
        if (open <= 0 || close < open)
        {
            return "no comm";
        }

        string[] f = s[(close + 1)..].TrimEnd('\n').Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 22)
        {
            return $"{f.Length} fields";
        }

        // f[0] is field (3); field (n) is f[n - 3].
        bool same =
            Long(s[..open].TrimEnd(' ')) == fast.pid &&
            s[(open + 1)..close] == Text.Of(input.AsSpan()[fast.comm]) &&
            f[0].Length == 1 && f[0][0] == fast.state &&
            Long(f[1]) == fast.ppid && Long(f[2]) == fast.pgrp && Long(f[3]) == fast.session &&
            (uint?)ULong(f[6]) == fast.flags &&
            ULong(f[11]) == fast.utime && ULong(f[12]) == fast.stime &&
            Long(f[17]) == fast.num_threads &&
            ULong(f[19]) == fast.starttime && ULong(f[20]) == fast.vsize && Long(f[21]) == fast.rss;
        return same ? null : "a field differs";
    }

    /// <summary>cgroups(7): the first v1 line whose controller list names memory, else the first "0::" line.</summary>
    private static (string Path, bool IsV1)? CgroupOracle(string text)
    {
        string[] lines = text.Split('\n');
        foreach (string line in lines)
        {
            string[] parts = line.Split(':', 3);
            if (parts.Length == 3 && parts[1].Split(',').Contains("memory"))
            {
                return (parts[2], true);
            }
        }

        foreach (string line in lines)
        {
            string[] parts = line.Split(':', 3);
            if (parts.Length == 3 && parts[0] == "0" && parts[1].Length == 0)
            {
                return (parts[2], false);
            }
        }

        return null;
    }

    private static long? Long(string s) => long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) ? v : null;

    private static ulong? ULong(string s) => ulong.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out ulong v) ? v : null;
}
