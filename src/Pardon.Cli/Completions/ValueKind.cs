// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Cli.Completions;

/// <summary>What a shell should offer for an option's value or a positional argument.</summary>
internal enum ValueKind
{
    /// <summary>A flag: no value.</summary>
    None,

    /// <summary>Free text (a level, a duration, a reason): nothing to offer.</summary>
    Text,
    File,
    Directory,
    Pid,

    /// <summary>A command line to run (`pardon run -- COMMAND...`).</summary>
    Command,
}
