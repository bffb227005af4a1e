// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Cli;

return await PardonCli.RunAsync(args, Console.Out, Console.Error);
