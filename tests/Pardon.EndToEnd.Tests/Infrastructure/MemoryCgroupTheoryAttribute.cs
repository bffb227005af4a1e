// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.EndToEnd.Tests.Infrastructure;

/// <summary>The theory counterpart of <see cref="MemoryCgroupFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class MemoryCgroupTheoryAttribute : TheoryAttribute
{
    public MemoryCgroupTheoryAttribute()
    {
        if (EndToEndPrerequisites.SkipReason is string reason)
        {
            Skip = reason;
        }
    }
}
