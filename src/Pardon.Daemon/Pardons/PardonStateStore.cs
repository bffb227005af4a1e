// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Text.Json;
using Pardon.Linux.Security;

namespace Pardon.Daemon.Pardons;

/// <summary>
/// The state file (pardon.state) and the right to use it. Opening takes an flock on a lock file beside it
/// before anything is read or written, so a second daemon pointed at the same state gives up without touching
/// it. The directory and the file are checked like sshd's StrictModes (<see cref="SecureDirectory"/>): a file
/// someone else owns or could have written is never trusted. Loading is defensive: a malformed entry is
/// dropped with a warning, a malformed file is moved aside, nothing aborts; and nothing is written before the
/// load is complete (a file that could not be read at all is left as it is, and not overwritten).
/// </summary>
public sealed class PardonStateStore : IDisposable
{
    /// <summary>The largest state file read: thousands of pardons fit; anything larger is not ours.</summary>
    public const int MaxBytes = 4 << 20;

    private const int FileMode = 0x180; // 0600
    private readonly SecureDirectory _directory;
    private readonly IDisposable _lock;
    private readonly string _name;

    private PardonStateStore(SecureDirectory directory, IDisposable lockHandle, string path)
    {
        _directory = directory;
        _lock = lockHandle;
        Path = path;
        _name = System.IO.Path.GetFileName(path);
    }

    /// <summary>The state file.</summary>
    public string Path { get; }

    /// <summary>True once a load has completed in a way that allows writing the file (see <see cref="Load"/>).</summary>
    public bool MayWrite { get; private set; }

    /// <summary>
    /// Opens the state's directory (creating it 0755 if missing) and locks the state. Throws <see cref="IOException"/>
    /// with a plain sentence when another daemon holds the lock, or the directory cannot be trusted.
    /// </summary>
    public static PardonStateStore Open(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        string? directory = System.IO.Path.GetDirectoryName(full);
        string name = System.IO.Path.GetFileName(full);
        if (string.IsNullOrEmpty(directory) || name.Length == 0)
        {
            throw new IOException($"pardon.state {path} is not a file path");
        }

        SecureDirectory dir = SecureDirectory.Open(directory);
        IDisposable? held = dir.TryLock(name + ".lock", out string problem);
        if (held is null)
        {
            dir.Dispose();
            throw new IOException($"{problem}; stop it first, or give this one another --state");
        }

        return new PardonStateStore(dir, held, full);
    }

    /// <summary>
    /// Reads the saved pardons, dropping (with a warning each) every entry that is malformed. Warnings go to
    /// <paramref name="warn"/>. A missing, untrusted or malformed file means no pardons; only a file that could
    /// not be read at all (an I/O error) keeps <see cref="MayWrite"/> false, so that it is not overwritten.
    /// </summary>
    public (string BootId, List<PardonInfo> Pardons) Load(Action<string> warn)
    {
        var pardons = new List<PardonInfo>();
        FileRead read = _directory.TryRead(_name, MaxBytes, out byte[] content, out string problem);
        switch (read)
        {
            case FileRead.Missing:
                MayWrite = true;
                return ("", pardons);
            case FileRead.Untrusted:
                warn($"pardon.state {Path} is not trusted ({problem}); starting with no pardons, and it will be replaced at the next change");
                MayWrite = true;
                return ("", pardons);
            case FileRead.Failed:
                warn($"cannot read pardon.state {Path} ({problem}); starting with no pardons, and leaving the file as it is: pardons granted now will not be saved");
                return ("", pardons);
        }

        MayWrite = true;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            SetAside(warn, $"is not valid JSON ({ex.Message})");
            return ("", pardons);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                SetAside(warn, "is not a JSON object");
                return ("", pardons);
            }

            if (root.TryGetProperty("version", out JsonElement version) && !(version.ValueKind == JsonValueKind.Number && version.TryGetInt32(out int v) && v == PardonState.CurrentVersion))
            {
                SetAside(warn, $"has an unknown format version ({version})");
                return ("", pardons);
            }

            string bootId = root.TryGetProperty("boot_id", out JsonElement boot) && boot.ValueKind == JsonValueKind.String ? boot.GetString() ?? "" : "";
            if (!root.TryGetProperty("pardons", out JsonElement list) || list.ValueKind != JsonValueKind.Array)
            {
                if (!root.TryGetProperty("pardons", out _))
                {
                    return (bootId, pardons);
                }

                warn($"pardon.state {Path}: \"pardons\" is not a list; starting with no pardons");
                return (bootId, pardons);
            }

            int index = 0;
            foreach (JsonElement item in list.EnumerateArray())
            {
                if (TryParse(item, out PardonInfo? info, out string why))
                {
                    pardons.Add(info);
                }
                else
                {
                    warn($"pardon.state {Path}: dropped entry {index}: {why}");
                }

                index++;
            }

            return (bootId, pardons);
        }
    }

    /// <summary>Writes <paramref name="state"/> atomically (mode 0600). False, with the reason, when it could not, or may not yet.</summary>
    public bool TrySave(PardonState state, out string problem)
    {
        if (!MayWrite)
        {
            problem = "the state file was not loaded, so it is left as it was";
            return false;
        }

        try
        {
            byte[] json = JsonSerializer.SerializeToUtf8Bytes(state, PardonProtocolJsonContext.Wire.PardonState);
            _directory.WriteAtomically(_name, json, FileMode);
            problem = "";
            return true;
        }
        catch (IOException ex)
        {
            problem = ex.Message;
            return false;
        }
    }

    public void Dispose()
    {
        _lock.Dispose();
        _directory.Dispose();
    }

    private void SetAside(Action<string> warn, string why)
    {
        string aside = $"{_name}.corrupt-{DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}";
        bool moved = _directory.TryRename(_name, aside);
        warn($"pardon.state {Path} {why}; starting with no pardons" + (moved ? $" (the file is kept as {aside})" : ""));
    }

    /// <summary>One saved pardon, field by field: every required field present with the right type and range.</summary>
    internal static bool TryParse(JsonElement e, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PardonInfo? info, out string why)
    {
        info = null;
        if (e.ValueKind != JsonValueKind.Object)
        {
            why = "not a JSON object";
            return false;
        }

        if (!Int(e, "pid", out long pid, 1, int.MaxValue, out why) ||
            !UInt(e, "start_time", out ulong startTime, out why) ||
            !UInt(e, "exe_dev", out ulong exeDev, out why) ||
            !UInt(e, "exe_ino", out ulong exeIno, out why) ||
            !Int(e, "uid", out long uid, 0, uint.MaxValue, out why) ||
            !Int(e, "requester_uid", out long requesterUid, 0, uint.MaxValue, out why) ||
            !Int(e, "requester_pid", out long requesterPid, 0, int.MaxValue, out why) ||
            !Int(e, "max_rss_kib", out long maxRss, 0, long.MaxValue, out why) ||
            !Int(e, "granted_unix_ms", out long granted, 0, long.MaxValue, out why) ||
            !Text(e, "rule", required: true, out string rule, out why) ||
            !Text(e, "comm", required: false, out string comm, out why) ||
            !Text(e, "exe", required: false, out string exe, out why) ||
            !Text(e, "reason", required: false, out string reason, out why))
        {
            return false;
        }

        long? expires = null;
        if (e.TryGetProperty("expires_unix_ms", out JsonElement ex) && ex.ValueKind != JsonValueKind.Null)
        {
            if (!Int(e, "expires_unix_ms", out long x, 0, long.MaxValue, out why))
            {
                return false;
            }

            expires = x;
        }

        short? previous = null;
        if (e.TryGetProperty("previous_oom_score_adj", out JsonElement pa) && pa.ValueKind != JsonValueKind.Null)
        {
            if (!Int(e, "previous_oom_score_adj", out long p, -1000, 1000, out why))
            {
                return false;
            }

            previous = (short)p;
        }

        bool kernelProtected = false;
        if (e.TryGetProperty("kernel_protected", out JsonElement kp))
        {
            if (kp.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                why = "\"kernel_protected\" is not true or false";
                return false;
            }

            kernelProtected = kp.GetBoolean();
        }

        info = new PardonInfo
        {
            Pid = (int)pid,
            StartTime = startTime,
            ExeDevice = exeDev,
            ExeInode = exeIno,
            Uid = (uint)uid,
            RequesterUid = (uint)requesterUid,
            RequesterPid = (int)requesterPid,
            MaxRssKiB = maxRss,
            GrantedUnixMs = granted,
            ExpiresUnixMs = expires,
            Rule = rule,
            Comm = comm,
            Exe = exe.Length > 0 ? exe : null,
            Reason = reason,
            KernelProtected = kernelProtected,
            PreviousOomScoreAdj = previous,
        };
        why = "";
        return true;
    }

    private static bool Int(JsonElement e, string name, out long value, long min, long max, out string why)
    {
        value = 0;
        if (!e.TryGetProperty(name, out JsonElement v))
        {
            why = $"\"{name}\" is missing";
            return false;
        }

        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out value) || value < min || value > max)
        {
            why = $"\"{name}\" is not a whole number from {min} to {max}";
            return false;
        }

        why = "";
        return true;
    }

    private static bool UInt(JsonElement e, string name, out ulong value, out string why)
    {
        value = 0;
        if (!e.TryGetProperty(name, out JsonElement v))
        {
            why = $"\"{name}\" is missing";
            return false;
        }

        if (v.ValueKind != JsonValueKind.Number || !v.TryGetUInt64(out value))
        {
            why = $"\"{name}\" is not a whole number";
            return false;
        }

        why = "";
        return true;
    }

    private static bool Text(JsonElement e, string name, bool required, out string value, out string why)
    {
        value = "";
        why = "";
        if (!e.TryGetProperty(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                why = $"\"{name}\" is missing";
            }

            return !required;
        }

        if (v.ValueKind != JsonValueKind.String)
        {
            why = $"\"{name}\" is not a string";
            return false;
        }

        value = v.GetString() ?? "";
        if (value.Length > 4096)
        {
            why = $"\"{name}\" is too long";
            return false;
        }

        return true;
    }
}
