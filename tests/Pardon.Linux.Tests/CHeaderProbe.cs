// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Diagnostics;
using System.Globalization;

namespace Pardon.Linux.Tests;

/// <summary>
/// Compiles a small C program against the system's own headers and runs it: each line it prints is
/// "NAME VALUE", so tests compare our constants and struct layouts with what the C library declares.
/// </summary>
internal static class CHeaderProbe
{
    public static Dictionary<string, long> CompileAndRun(string program, string name)
    {
        string dir = Directory.CreateTempSubdirectory("pardon-unit-cc-").FullName;
        try
        {
            string source = Path.Combine(dir, name + ".c");
            string binary = Path.Combine(dir, name);
            File.WriteAllText(source, program);
            Run("cc", $"-Wall -Werror -o {binary} {source}");
            var values = new Dictionary<string, long>();
            foreach (string line in Run(binary, "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                int space = line.LastIndexOf(' ');
                values[line[..space]] = long.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
            }

            return values;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Run(string program, string arguments)
    {
        using Process p = Process.Start(new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? stdout : throw new InvalidOperationException($"{program} {arguments} failed: {stderr}");
    }
}
