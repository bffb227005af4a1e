// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.EndToEnd.Tests.Infrastructure;

/// <summary>
/// What the end-to-end tests need from the machine: root, and a memory cgroup of the test process's own
/// under which they may create children. Where something is missing the tests are skipped, with the
/// reason, unless <c>PARDON_E2E_REQUIRED=1</c> (scripts/test and CI set it): then they run and fail,
/// so a CI machine that lost its cgroups cannot pass by skipping everything.
/// </summary>
public static class EndToEndPrerequisites
{
    public const string RequiredVariable = "PARDON_E2E_REQUIRED";

    private static readonly Lazy<(OwnMemoryCgroup? Cgroup, string? Missing)> s_state = new(Probe);

    /// <summary>True when a missing prerequisite must fail the tests instead of skipping them.</summary>
    public static bool Required => Environment.GetEnvironmentVariable(RequiredVariable) == "1";

    /// <summary>Why the end-to-end tests cannot run here, or null when they can.</summary>
    public static string? Missing => s_state.Value.Missing;

    /// <summary>The skip reason for a test attribute: null when the test must run (prerequisites met, or required).</summary>
    public static string? SkipReason => Missing is string missing && !Required
        ? $"end-to-end test needs root and a memory cgroup: {missing} (set {RequiredVariable}=1 to make this a failure)"
        : null;

    /// <summary>The test process's own memory cgroup; throws with the reason when a prerequisite is missing.</summary>
    public static OwnMemoryCgroup Require()
    {
        (OwnMemoryCgroup? cgroup, string? missing) = s_state.Value;
        if (missing is not null || cgroup is null)
        {
            throw new InvalidOperationException(
                $"end-to-end prerequisite missing: {missing}" + (Required ? $" ({RequiredVariable}=1, so this fails instead of skipping)" : ""));
        }

        return cgroup;
    }

    private static (OwnMemoryCgroup?, string?) Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return (null, "not Linux");
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return (null, $"not root (running as {Environment.UserName})");
        }

        if (!File.Exists(Memhog.Path))
        {
            return (null, $"the memhog helper was not built ({Memhog.Path}; it needs a C compiler: scripts/setup test)");
        }

        OwnMemoryCgroup? own = OwnMemoryCgroup.TryFind(out string reason);
        return own is null ? (null, reason) : (own, null);
    }
}
