// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A fact that needs root and a memory cgroup (see <see cref="EndToEndPrerequisites"/>): skipped, with the
/// reason, where they are missing, unless PARDON_E2E_REQUIRED=1 makes it run and fail.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class MemoryCgroupFactAttribute : FactAttribute
{
    public MemoryCgroupFactAttribute()
    {
        if (EndToEndPrerequisites.SkipReason is string reason)
        {
            Skip = reason;
        }
    }
}
