// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.Versioning;
using Pardon.Daemon.Configuration;
using Pardon.Daemon.Metrics;

namespace Pardon.Daemon.Tests.Metrics;

/// <summary>The node_exporter textfile: the .prom rule, the atomic replace, the schedule and the final write.</summary>
[SupportedOSPlatform("linux")]
public sealed class TextfileWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pardon-metrics-").FullName;
    private long _kills;

    private string PromPath => Path.Combine(_dir, "pardon.prom");

    private MetricsSnapshot Snapshot() => new() { Version = "0.1.0", Scopes = [new ScopeMetrics { Kills = Interlocked.Read(ref _kills) }] };

    [Theory]
    [InlineData("pardon.txt")]
    [InlineData("pardon.prom.tmp")]
    [InlineData("pardon")]
    [InlineData(".prom")]
    public void Constructor_WithoutPromSuffix_IsRefused(string name)
    {
        ConfigException ex = Assert.Throws<ConfigException>(() => new TextfileWriter(Path.Combine(_dir, name), Snapshot));

        Assert.Contains("metrics.textfile", ex.Message, StringComparison.Ordinal);
        Assert.Contains(".prom", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteNow_WritesTheExposition_Readably_AndLeavesNoTemporaryFile()
    {
        using var writer = new TextfileWriter(PromPath, Snapshot);

        writer.WriteNow();

        string text = File.ReadAllText(PromPath);
        Assert.Equal(new PrometheusWriter().WriteString(Snapshot()), text);
        Assert.Empty(ExpositionValidator.Validate(text));
        Assert.Equal(["pardon.prom"], Directory.GetFiles(_dir).Select(Path.GetFileName));
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            File.GetUnixFileMode(PromPath));
    }

    [Fact]
    public void WriteNow_ReplacesTheFileByRename_SoAReaderNeverSeesAPartialFile()
    {
        using var writer = new TextfileWriter(PromPath, Snapshot);
        writer.WriteNow();
        string before = File.ReadAllText(PromPath);

        // A reader that opened the old file keeps reading the old text, whole: the new text is a new inode.
        using var reader = new FileStream(PromPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Interlocked.Exchange(ref _kills, 7);
        writer.WriteNow();

        using var oldText = new StreamReader(reader);
        Assert.Equal(before, oldText.ReadToEnd());
        string after = File.ReadAllText(PromPath);
        Assert.Contains("pardon_kills_total{scope=\"system\"} 7\n", after, StringComparison.Ordinal);
        Assert.Contains("pardon_kills_total{scope=\"system\"} 0\n", before, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WritesAtOnce_ThenEveryInterval_AndOnceMoreAtDispose()
    {
        var writer = new TextfileWriter(PromPath, Snapshot, TimeSpan.FromMilliseconds(50));
        writer.Start();
        Assert.Contains("pardon_kills_total{scope=\"system\"} 0\n", File.ReadAllText(PromPath), StringComparison.Ordinal);

        Interlocked.Exchange(ref _kills, 1);
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.ReadAllText(PromPath).Contains("pardon_kills_total{scope=\"system\"} 1\n", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "the periodic write did not happen");
            await Task.Delay(20);
        }

        writer.Dispose();
        Interlocked.Exchange(ref _kills, 2);
        Assert.Contains("pardon_kills_total{scope=\"system\"} 1\n", File.ReadAllText(PromPath), StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_WritesTheFinalFigures()
    {
        var writer = new TextfileWriter(PromPath, Snapshot, TimeSpan.FromHours(1));
        writer.Start();
        Interlocked.Exchange(ref _kills, 3);

        writer.Dispose();

        Assert.Contains("pardon_kills_total{scope=\"system\"} 3\n", File.ReadAllText(PromPath), StringComparison.Ordinal);
    }

    [Fact]
    public void Start_IntoAMissingDirectory_ThrowsAClearIOException()
    {
        string path = Path.Combine(_dir, "missing", "pardon.prom");
        using var writer = new TextfileWriter(path, Snapshot);

        IOException ex = Assert.Throws<IOException>(writer.Start);

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PeriodicWriteFailure_IsReportedOnce_AndTheWriterCarriesOn()
    {
        string sub = Path.Combine(_dir, "sub");
        Directory.CreateDirectory(sub);
        var warnings = new List<string>();
        var writer = new TextfileWriter(Path.Combine(sub, "pardon.prom"), Snapshot, TimeSpan.FromMilliseconds(20), w =>
        {
            lock (warnings)
            {
                warnings.Add(w);
            }
        });
        writer.Start();
        Directory.Delete(sub, recursive: true);

        await Task.Delay(300);
        writer.Dispose();

        lock (warnings)
        {
            string warning = Assert.Single(warnings);
            Assert.Contains("pardon.prom", warning, StringComparison.Ordinal);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
