// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Cli.Completions;

/// <summary>One option as a shell sees it: its spellings, a one-line summary and what its value is.</summary>
internal sealed record CompletionOption(IReadOnlyList<string> Names, string Summary, ValueKind Value);
