// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Fuzz;
using SharpFuzz;

// `Pardon.Fuzz request` or `Pardon.Fuzz config`, under afl-fuzz (fuzz/README.md); with a file argument after
// the target's name, runs that one input once (to reproduce a crash outside AFL).
if (args.Length is < 1 or > 2 || args[0] is not ("request" or "config"))
{
    Console.Error.WriteLine("usage: Pardon.Fuzz request|config [INPUT-FILE]");
    return 2;
}

ReadOnlySpanAction target = args[0] == "request" ? FuzzTargets.Request : FuzzTargets.Config;
if (args.Length == 2)
{
    target(File.ReadAllBytes(args[1]));
    return 0;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var memory = new MemoryStream();
    stream.CopyTo(memory);
    target(memory.GetBuffer().AsSpan(0, (int)memory.Length));
});
return 0;
