// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Every end-to-end test belongs to this collection: they share the real kernel of a 2-core machine, so
/// they run one at a time, and never alongside another collection's tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection : ICollectionFixture<TestCgroupSweeper>
{
    public const string Name = "End to end (real kernel, one at a time)";
}
