// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Fuzz;

namespace Pardon.Daemon.Tests.Fuzz;

/// <summary>
/// Every input of the checked-in fuzz corpus (seeds, and the crashes AFL++ found, kept once fixed) run
/// through the fuzz targets: each must return normally. A few hundred small files: well under a second.
/// </summary>
public sealed class FuzzCorpusReplayTests
{
    public static TheoryData<string> Targets => new() { "request", "config" };

    [Theory]
    [MemberData(nameof(Targets))]
    public void Corpus_EveryInput_IsHandled(string target)
    {
        string dir = Path.Combine(RepositoryRoot(), "fuzz", "corpus", target);
        string[] files = Directory.GetFiles(dir, "*", SearchOption.AllDirectories);
        Assert.True(files.Length >= 10, $"{dir} holds {files.Length} inputs; the seeds are missing");

        var failures = new List<string>();
        foreach (string file in files)
        {
            try
            {
                if (target == "request")
                {
                    FuzzTargets.Request(File.ReadAllBytes(file));
                }
                else
                {
                    FuzzTargets.Config(File.ReadAllBytes(file));
                }
            }
            catch (Exception ex)
            {
                failures.Add($"{Path.GetRelativePath(dir, file)}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {files.Length} inputs failed:\n" + string.Join('\n', failures));
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Pardon.slnx")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("no Pardon.slnx above " + AppContext.BaseDirectory);
    }
}
