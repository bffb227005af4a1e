// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pardon.Core;
using Pardon.Core.Containers;
using Pardon.Linux;

namespace Pardon.Daemon.Configuration;

/// <summary>
/// Reads the JSON-with-comments configuration. The embedded defaults are read first and the user's file
/// laid over them key by key (a list given in the file replaces the default list). Validation is written
/// by hand so each problem names its field, says what is wrong and shows what would be right; all
/// problems are reported at once.
/// </summary>
public static partial class ConfigLoader
{
    public const string DefaultPath = "/etc/pardon/pardon.jsonc";
    private const string EmbeddedName = "Pardon.Daemon.pardon.jsonc";

    private static readonly JsonDocumentOptions s_options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 16,
    };

    /// <summary>The embedded default configuration's text (packaging/pardon.jsonc): the one home of every default.</summary>
    public static string EmbeddedDefaults()
    {
        using Stream stream = typeof(ConfigLoader).Assembly.GetManifestResourceStream(EmbeddedName)
            ?? throw new InvalidOperationException("embedded defaults missing: " + EmbeddedName);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Lays the embedded defaults over a new <see cref="PardonConfig"/> (its constructor calls this).</summary>
    internal static void ApplyEmbeddedDefaults(PardonConfig config) => Apply(config, EmbeddedDefaults(), "embedded defaults");

    /// <summary>
    /// Loads the configuration: <paramref name="path"/> when given (it must exist), else the default path
    /// when it exists, else the embedded defaults alone.
    /// </summary>
    public static PardonConfig Load(string? path)
    {
        var config = new PardonConfig(); // the embedded defaults
        string? file = path ?? (File.Exists(DefaultPath) ? DefaultPath : null);
        if (file is null)
        {
            return config;
        }

        Apply(config, Read(file), file);
        config.Source = file;
        return config;
    }

    /// <summary>The longest configuration file read: far above any real one, and a bound for a wrong path (/dev/zero).</summary>
    public const int MaxFileBytes = 1024 * 1024;

    /// <summary>The file's text, or a <see cref="ConfigException"/> saying in words why it cannot be read.</summary>
    public static string Read(string file)
    {
        if (Directory.Exists(file))
        {
            throw new ConfigException(file, ["is a directory, not a configuration file"]);
        }

        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.None);
            byte[] buffer = new byte[MaxFileBytes + 1];
            int length = 0, n;
            while (length < buffer.Length && (n = stream.Read(buffer, length, buffer.Length - length)) > 0)
            {
                length += n;
            }

            if (length > MaxFileBytes)
            {
                throw new ConfigException(file, [$"is larger than {Sizes.Format(MaxFileBytes)}; is it the right file?"]);
            }

            // Decoded leniently (a stray byte becomes U+FFFD and shows in the message of the field it is in);
            // a byte order mark is skipped, as editors write one.
            return new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetString(buffer, 0, length).TrimStart('\uFEFF');
        }
        catch (UnauthorizedAccessException)
        {
            throw new ConfigException(file, [$"cannot be read: permission denied (pardon runs as {Environment.UserName})"]);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConfigException(file, ["no such file"]);
        }
        catch (IOException ex)
        {
            throw new ConfigException(file, ["cannot be read: " + ex.Message]);
        }
    }

    /// <summary>Lays <paramref name="json"/> over <paramref name="config"/>; throws <see cref="ConfigException"/> listing every problem.</summary>
    public static void Apply(PardonConfig config, string json, string source)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, s_options);
        }
        catch (JsonException ex)
        {
            byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(json);
            long line = ex.LineNumber ?? 0, column = ex.BytePositionInLine ?? 0;
            throw new ConfigException(source,
                [JsonErrorText.Where(utf8, line, column) + "not valid JSON: " + JsonErrorText.Describe(utf8, line, column, s_options.MaxDepth)]);
        }

        using (doc)
        {
            var v = new Validator();
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigException(source, ["the configuration must be a JSON object { ... }"]);
            }

            v.Object(doc.RootElement, "", ["thresholds", "growth", "kill", "poll", "pardon", "protect", "prefer", "units", "containers", "metrics", "scopes", .. EventSections], (name, value, path) =>
            {
                switch (name)
                {
                    case "thresholds":
                        v.Object(value, path, ["term_below", "kill_below", "swap_term_below", "swap_kill_below", .. StallKeys], (n, e, p) =>
                        {
                            if (TryApplyStall(config, n, e, p, v))
                            {
                                return;
                            }

                            if (v.Level(e, p) is MemoryLevel level)
                            {
                                switch (n)
                                {
                                    case "term_below": config.TermBelow = level; break;
                                    case "kill_below": config.KillBelow = level; break;
                                    case "swap_term_below": config.SwapTermBelow = level; break;
                                    default: config.SwapKillBelow = level; break;
                                }
                            }
                        });
                        break;
                    case "growth":
                        v.Object(value, path, ["window", "weight"], (n, e, p) =>
                        {
                            if (n == "window" && v.Duration(e, p, min: TimeSpan.FromSeconds(1), max: TimeSpan.FromDays(1)) is TimeSpan w)
                            {
                                config.GrowthWindow = w;
                            }
                            else if (n == "weight" && v.Number(e, p, 0, 100) is double weight)
                            {
                                config.GrowthWeight = weight;
                            }
                        });
                        break;
                    case "kill":
                        v.Object(value, path, ["grace"], (n, e, p) =>
                        {
                            if (v.Duration(e, p, min: TimeSpan.Zero, max: TimeSpan.FromMinutes(10)) is TimeSpan g)
                            {
                                config.KillGrace = g;
                            }
                        });
                        break;
                    case "poll":
                        v.Object(value, path, ["min_interval", "max_interval", "assumed_fill_rate"], (n, e, p) =>
                        {
                            if (n == "assumed_fill_rate")
                            {
                                string? s = v.String(e, p);
                                string rate = s is not null && s.EndsWith("/s", StringComparison.Ordinal) ? s[..^2] : "";
                                if (Sizes.TryParseBytes(rate, out long bytesPerSecond, out _) && bytesPerSecond > 0)
                                {
                                    config.AssumedFillRateBytesPerSecond = bytesPerSecond;
                                }
                                else if (s is not null)
                                {
                                    v.Error(p, $"\"{s}\" is not a rate (example: \"4GiB/s\")");
                                }
                            }
                            else if (v.Duration(e, p, min: TimeSpan.FromMilliseconds(1), max: TimeSpan.FromSeconds(10)) is TimeSpan d)
                            {
                                if (n == "min_interval")
                                {
                                    config.PollMinInterval = d;
                                }
                                else
                                {
                                    config.PollMaxInterval = d;
                                }
                            }
                        });
                        break;
                    case "pardon":
                        ApplyPardon(config, value, path, v);
                        break;
                    case "scopes":
                        ApplyScopes(config, value, path, v);
                        break;
                    case "protect":
                    case "prefer":
                    case "units":
                        List<RuleConfig> rules = v.Array(value, path, (e, p) => v.Rule(e, p, requireUnit: name == "units"));
                        if (name == "protect")
                        {
                            config.Protect = rules;
                        }
                        else if (name == "prefer")
                        {
                            config.Prefer = rules;
                        }
                        else
                        {
                            config.Units = rules;
                        }

                        break;
                    case "containers":
                        ApplyContainers(config, value, path, v);
                        break;
                    case "events" or "hooks" or "notifications":
                        ApplyEventSection(config, name, value, path, v);
                        break;
                    case "metrics":
                        v.Object(value, path, ["listen", "textfile"], (n, e, p) =>
                        {
                            string? s = v.NullableString(e, p);
                            if (n == "listen")
                            {
                                if (s is not null && !MetricsAddress.TryParse(s, out _, out string error))
                                {
                                    v.Error(p, error);
                                }
                                else
                                {
                                    config.MetricsListen = s;
                                }
                            }
                            else
                            {
                                config.MetricsTextfile = s;
                            }
                        });
                        break;
                }
            });

            CheckLevels(config, v);
            if (v.Problems.Count > 0)
            {
                throw new ConfigException(source, v.Problems);
            }
        }
    }

    /// <summary>Cross-field checks: a kill level above its terminate level can never be reached in order.</summary>
    public static void CheckLevels(PardonConfig config, Validator v)
    {
        // A memory level of 100% is reached by every reading of any scope; the scope's size is needed for
        // the other comparisons (a percentage against a size, a size against the total), made at start-up
        // and on every reading (Thresholds.Check).
        foreach ((string key, MemoryLevel level) in new[] { ("thresholds.term_below", config.TermBelow), ("thresholds.kill_below", config.KillBelow) })
        {
            if (level.Percent >= 100)
            {
                v.Error(key, $"{level} is all of a scope's memory: every reading would be a shortage (use less than 100%)");
            }
        }

        if (Comparable(config.KillBelow, config.TermBelow) && config.KillBelow.ToKiB(1 << 30) > config.TermBelow.ToKiB(1 << 30))
        {
            v.Error("thresholds.kill_below", $"{config.KillBelow} is above thresholds.term_below ({config.TermBelow}); the kill level must be the lower one");
        }

        if (Comparable(config.SwapKillBelow, config.SwapTermBelow) && config.SwapKillBelow.ToKiB(1 << 30) > config.SwapTermBelow.ToKiB(1 << 30))
        {
            v.Error("thresholds.swap_kill_below", $"{config.SwapKillBelow} is above thresholds.swap_term_below ({config.SwapTermBelow}); the kill level must be the lower one");
        }

        if (config.PollMinInterval > config.PollMaxInterval)
        {
            v.Error("poll.min_interval", $"{Sizes.FormatDuration(config.PollMinInterval)} is longer than poll.max_interval ({Sizes.FormatDuration(config.PollMaxInterval)})");
        }

        static bool Comparable(MemoryLevel a, MemoryLevel b) => (a.Percent is null) == (b.Percent is null);
    }

    private static void ApplyPardon(PardonConfig config, JsonElement value, string path, Validator v)
    {
        v.Object(value, path, ["socket", "state", "root_may_pardon_any", "default_max_rss", "max_per_user", "kernel_protect", "allow", .. PardonLimitKeys], (n, e, p) =>
        {
            switch (n)
            {
                case var _ when PardonLimitKeys.Contains(n):
                    ApplyPardonLimit(config, n, e, p, v);
                    break;
                case "socket":
                    if (v.AbsolutePath(e, p) is string socket)
                    {
                        if (SocketPath.Check(socket) is string problem)
                        {
                            v.Error(p, problem);
                        }
                        else
                        {
                            config.Socket = socket;
                        }
                    }

                    break;
                case "state":
                    if (v.AbsolutePath(e, p) is string state)
                    {
                        config.StateFile = state;
                    }

                    break;
                case "root_may_pardon_any":
                    if (v.Bool(e, p) is bool b)
                    {
                        config.RootMayPardonAny = b;
                    }

                    break;
                case "kernel_protect":
                    if (v.Bool(e, p) is bool kp)
                    {
                        config.KernelProtect = kp;
                    }

                    break;
                case "default_max_rss":
                    if (v.Size(e, p) is long bytes)
                    {
                        config.DefaultMaxRssBytes = bytes;
                    }

                    break;
                case "max_per_user":
                    if (v.Number(e, p, 0, 10_000) is double max)
                    {
                        if (max != Math.Floor(max))
                        {
                            v.Error(p, "must be a whole number");
                        }
                        else
                        {
                            config.MaxPardonsPerUser = (int)max;
                        }
                    }

                    break;
                case "allow":
                    config.Allow = v.Array(e, p, (item, ip) => v.Allow(item, ip));
                    break;
            }
        });
    }

    /// <summary>Validation helpers that record problems by field path instead of throwing at the first.</summary>
    public sealed partial class Validator
    {
        public List<string> Problems { get; } = [];

        public void Error(string path, string message) => Problems.Add($"{path}: {message}");

        public void Object(JsonElement e, string path, string[] known, Action<string, JsonElement, string> visit)
        {
            if (e.ValueKind != JsonValueKind.Object)
            {
                Error(path.Length == 0 ? "(root)" : path, $"expected an object {{ ... }}, found {Describe(e)}");
                return;
            }

            foreach (JsonProperty prop in e.EnumerateObject())
            {
                string childPath = path.Length == 0 ? prop.Name : path + "." + prop.Name;
                if (System.Array.IndexOf(known, prop.Name) < 0)
                {
                    string? hint = Closest(prop.Name, known);
                    Error(childPath, "unknown field" + (hint is null ? $" (known here: {string.Join(", ", known)})" : $"; did you mean \"{hint}\"?"));
                    continue;
                }

                visit(prop.Name, prop.Value, childPath);
            }
        }

        public List<T> Array<T>(JsonElement e, string path, Func<JsonElement, string, T?> item)
            where T : class
        {
            var list = new List<T>();
            if (e.ValueKind != JsonValueKind.Array)
            {
                Error(path, $"expected a list [ ... ], found {Describe(e)}");
                return list;
            }

            int i = 0;
            foreach (JsonElement x in e.EnumerateArray())
            {
                if (item(x, $"{path}[{i}]") is T t)
                {
                    list.Add(t);
                }

                i++;
            }

            return list;
        }

        public string? String(JsonElement e, string path)
        {
            if (e.ValueKind != JsonValueKind.String)
            {
                Error(path, $"expected a string, found {Describe(e)}");
                return null;
            }

            return e.GetString();
        }

        public string? NullableString(JsonElement e, string path)
            => e.ValueKind == JsonValueKind.Null ? null : String(e, path);

        public string? AbsolutePath(JsonElement e, string path)
        {
            string? s = String(e, path);
            if (s is not null && !s.StartsWith('/'))
            {
                Error(path, $"\"{s}\" is not an absolute path");
                return null;
            }

            return s;
        }

        public bool? Bool(JsonElement e, string path)
        {
            if (e.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                return e.GetBoolean();
            }

            Error(path, $"expected true or false, found {Describe(e)}");
            return null;
        }

        public double? Number(JsonElement e, string path, double min, double max)
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out double d))
            {
                Error(path, $"expected a number, found {Describe(e)}");
                return null;
            }

            if (d < min || d > max)
            {
                Error(path, string.Create(CultureInfo.InvariantCulture, $"{d} is out of range ({min} to {max})"));
                return null;
            }

            return d;
        }

        public MemoryLevel? Level(JsonElement e, string path)
        {
            string? s = String(e, path);
            if (s is null)
            {
                return null;
            }

            if (!MemoryLevel.TryParse(s, out MemoryLevel level, out string error))
            {
                Error(path, error);
                return null;
            }

            return level;
        }

        public long? Size(JsonElement e, string path)
        {
            string? s = String(e, path);
            if (s is null)
            {
                return null;
            }

            if (!Sizes.TryParseBytes(s, out long bytes, out string error))
            {
                Error(path, error);
                return null;
            }

            return bytes;
        }

        public TimeSpan? Duration(JsonElement e, string path, TimeSpan min, TimeSpan? max = null)
        {
            string? s = String(e, path);
            if (s is null)
            {
                return null;
            }

            if (!Sizes.TryParseDuration(s, out TimeSpan d, out string error))
            {
                Error(path, error);
                return null;
            }

            if (d < min || (max is TimeSpan m && d > m))
            {
                Error(path, $"\"{s}\" is out of range ({Sizes.FormatDuration(min)} to {(max is TimeSpan mx ? Sizes.FormatDuration(mx) : "any")})");
                return null;
            }

            return d;
        }

        public Regex? Regex(JsonElement e, string path)
        {
            string? s = String(e, path);
            if (s is null)
            {
                return null;
            }

            try
            {
                // The kill path matches rules against every candidate's command line: a backtracking regex
                // could take exponential time there (a timeout would throw in the middle of a decision, or
                // turn a rule off under load). The non-backtracking engine runs in time linear in the input
                // (at most 4 KiB of command line), so a rule costs the same on a loaded machine as in a test.
                return new Regex(s, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
            }
            catch (NotSupportedException)
            {
                Error(path, $"\"{s}\" uses a construct rules cannot have (backreferences, lookarounds and atomic groups cannot be matched in linear time)");
                return null;
            }
            catch (ArgumentException ex)
            {
                Error(path, $"\"{s}\" is not a valid regular expression: {ex.Message}");
                return null;
            }
        }

        public RuleConfig? Rule(JsonElement e, string path, bool requireUnit)
        {
            string? exe = null, cgroup = null, user = null, unitText = null, cmdlineText = null, commText = null, container = null, qosText = null;
            QosClass? qos = null;
            Regex? cmdline = null, comm = null;
            uint? uid = null;
            KillUnit? unit = null;
            int problemsBefore = Problems.Count;
            Object(e, path, ["exe", "cmdline", "comm", "user", "cgroup", "container", "qos", "unit"], (n, x, p) =>
            {
                switch (n)
                {
                    case "exe":
                        exe = String(x, p);
                        if (exe is not null && !exe.StartsWith('/') && !exe.StartsWith('*'))
                        {
                            Error(p, $"\"{exe}\" must be an absolute path or glob (e.g. \"/usr/bin/firefox*\")");
                        }

                        break;
                    case "cmdline":
                        cmdline = Regex(x, p);
                        cmdlineText = cmdline?.ToString();
                        break;
                    case "comm":
                        comm = Regex(x, p);
                        commText = comm?.ToString();
                        break;
                    case "user":
                        user = x.ValueKind == JsonValueKind.Number && x.TryGetUInt32(out uint u) ? u.ToString(CultureInfo.InvariantCulture) : String(x, p);
                        if (user is not null)
                        {
                            if (UserNames.TryResolve(user, out uint resolved))
                            {
                                uid = resolved;
                            }
                            else
                            {
                                Error(p, $"no such user \"{user}\"");
                            }
                        }

                        break;
                    case "cgroup":
                        cgroup = String(x, p);
                        if (cgroup is not null && !cgroup.StartsWith('/') && !cgroup.StartsWith('*'))
                        {
                            Error(p, $"\"{cgroup}\" must start with \"/\" (a path as /proc/PID/cgroup shows it) or \"*\"");
                        }

                        break;
                    case "container":
                    case "qos":
                        ContainerCriterion(n, x, p, ref container, ref qosText, ref qos);
                        break;
                    case "unit":
                        unitText = String(x, p);
                        unit = unitText switch
                        {
                            "process" => KillUnit.Process,
                            "process_group" => KillUnit.ProcessGroup,
                            "cgroup" => KillUnit.Cgroup,
                            null => null,
                            _ => null,
                        };
                        if (unitText is not null && unit is null)
                        {
                            Error(p, $"\"{unitText}\" is not a kill unit (use \"process\", \"process_group\" or \"cgroup\")");
                        }

                        break;
                }
            });

            if (e.ValueKind == JsonValueKind.Object && exe is null && cmdline is null && comm is null && uid is null && cgroup is null && container is null && qos is null && Problems.Count == problemsBefore)
            {
                Error(path, "a rule needs at least one of exe, cmdline, comm, user, cgroup, container, qos");
            }

            if (requireUnit && unit is null && Problems.Count == problemsBefore)
            {
                Error(path, "a units rule needs \"unit\"");
            }

            if (Problems.Count != problemsBefore)
            {
                return null;
            }

            return new RuleConfig
            {
                Rule = new ProcessRule { Source = path, Exe = exe, Cmdline = cmdline, Comm = comm, Uid = uid, User = user, Cgroup = cgroup, Container = container, Qos = qos, Unit = unit },
                Exe = exe,
                Cmdline = cmdlineText,
                Comm = commText,
                User = user,
                Cgroup = cgroup,
                Container = container,
                Qos = qosText,
                Unit = unitText,
            };
        }

        public AllowRule? Allow(JsonElement e, string path)
        {
            string? exe = null;
            long? maxRss = null;
            TimeSpan? maxTtl = null;
            var users = new List<uint>();
            var names = new List<string>();
            int problemsBefore = Problems.Count;
            Object(e, path, ["exe", "max_rss", "max_ttl", "users"], (n, x, p) =>
            {
                switch (n)
                {
                    case "exe":
                        exe = AbsolutePath(x, p);
                        if (exe is not null && (exe.Contains('*') || exe.Contains('?')))
                        {
                            Error(p, $"\"{exe}\" has a wildcard; pardon.allow names one executable, checked by device and inode");
                        }

                        break;
                    case "max_rss":
                        maxRss = Size(x, p);
                        break;
                    case "max_ttl":
                        maxTtl = Duration(x, p, TimeSpan.FromSeconds(1), TimeSpan.FromDays(366));
                        break;
                    case "users":
                        foreach (string? name in Array(x, p, (u, up) => u.ValueKind == JsonValueKind.Number && u.TryGetUInt32(out uint n) ? n.ToString(CultureInfo.InvariantCulture) : String(u, up)))
                        {
                            if (name is not null && UserNames.TryResolve(name, out uint uid))
                            {
                                users.Add(uid);
                                names.Add(name);
                            }
                            else
                            {
                                Error(p, $"no such user \"{name}\"");
                            }
                        }

                        break;
                }
            });

            if (exe is null && e.ValueKind == JsonValueKind.Object && Problems.Count == problemsBefore)
            {
                Error(path, "an allow rule needs \"exe\"");
            }

            return Problems.Count != problemsBefore || exe is null
                ? null
                : new AllowRule { Source = path, Exe = exe, MaxRssBytes = maxRss, MaxTtl = maxTtl, Users = users, UserNames = names };
        }

        private static string Describe(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "a list",
            JsonValueKind.String => $"the string \"{e.GetString()}\"",
            JsonValueKind.Number => $"the number {e.GetRawText()}",
            JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
            JsonValueKind.Null => "null",
            _ => "nothing",
        };

        private static string? Closest(string name, string[] known)
        {
            string? best = null;
            int bestDistance = 3;
            foreach (string k in known)
            {
                int d = Distance(name, k);
                if (d < bestDistance)
                {
                    best = k;
                    bestDistance = d;
                }
            }

            return best;
        }

        private static int Distance(string a, string b)
        {
            int[] prev = new int[b.Length + 1];
            int[] cur = new int[b.Length + 1];
            for (int j = 0; j <= b.Length; j++)
            {
                prev[j] = j;
            }

            for (int i = 1; i <= a.Length; i++)
            {
                cur[0] = i;
                for (int j = 1; j <= b.Length; j++)
                {
                    int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                }

                (prev, cur) = (cur, prev);
            }

            return prev[b.Length];
        }
    }
}
