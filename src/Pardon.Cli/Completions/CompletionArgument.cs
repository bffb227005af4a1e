// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Cli.Completions;

/// <summary>One positional argument as a shell sees it.</summary>
internal sealed record CompletionArgument(string Name, ValueKind Value);
