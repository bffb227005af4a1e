// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text;
using System.Text.Json;
using Pardon.Core;

namespace Pardon.Daemon.Configuration;

/// <summary>
/// Prints the effective configuration (`pardon daemon --print-config`) in the same format the file uses, so
/// the output can be saved and edited as a configuration file.
/// </summary>
public static partial class ConfigWriter
{
    public static string Write(PardonConfig c)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            WriteScopes(w, c);
            w.WriteStartObject("thresholds");
            w.WriteString("term_below", c.TermBelow.ToString());
            w.WriteString("kill_below", c.KillBelow.ToString());
            w.WriteString("swap_term_below", c.SwapTermBelow.ToString());
            w.WriteString("swap_kill_below", c.SwapKillBelow.ToString());
            ConfigLoader.WriteStall(w, c);
            w.WriteEndObject();

            w.WriteStartObject("growth");
            w.WriteString("window", Sizes.FormatDuration(c.GrowthWindow));
            w.WriteNumber("weight", c.GrowthWeight);
            w.WriteEndObject();

            w.WriteStartObject("kill");
            w.WriteString("grace", Sizes.FormatDuration(c.KillGrace));
            w.WriteEndObject();

            w.WriteStartObject("poll");
            w.WriteString("min_interval", Sizes.FormatDuration(c.PollMinInterval));
            w.WriteString("max_interval", Sizes.FormatDuration(c.PollMaxInterval));
            w.WriteString("assumed_fill_rate", Sizes.Format(c.AssumedFillRateBytesPerSecond) + "/s");
            w.WriteEndObject();

            w.WriteStartObject("pardon");
            w.WriteString("socket", c.Socket);
            w.WriteString("state", c.StateFile);
            w.WriteBoolean("root_may_pardon_any", c.RootMayPardonAny);
            w.WriteString("default_max_rss", Sizes.Format(c.DefaultMaxRssBytes));
            w.WriteNumber("max_per_user", c.MaxPardonsPerUser);
            w.WriteBoolean("kernel_protect", c.KernelProtect);
            w.WriteNumber("max_connections_per_user", c.MaxConnectionsPerUser);
            w.WriteNumber("requests_per_second", c.RequestsPerSecond);
            w.WriteString("connection_lifetime", Sizes.FormatDuration(c.ConnectionLifetime));
            w.WriteString("sweep_interval", Sizes.FormatDuration(c.PardonSweepInterval));
            w.WriteStartArray("allow");
            foreach (AllowRule a in c.Allow)
            {
                w.WriteStartObject();
                w.WriteString("exe", a.Exe);
                if (a.MaxRssBytes is long max)
                {
                    w.WriteString("max_rss", Sizes.Format(max));
                }

                if (a.MaxTtl is TimeSpan ttl)
                {
                    w.WriteString("max_ttl", Sizes.FormatDuration(ttl));
                }

                if (a.UserNames.Count > 0)
                {
                    w.WriteStartArray("users");
                    foreach (string u in a.UserNames)
                    {
                        w.WriteStringValue(u);
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();

            WriteRules(w, "protect", c.Protect);
            WriteRules(w, "prefer", c.Prefer);
            WriteRules(w, "units", c.Units);

            WriteContainers(w, c);
            WriteEventSections(w, c);

            w.WriteStartObject("metrics");
            WriteNullable(w, "listen", c.MetricsListen);
            WriteNullable(w, "textfile", c.MetricsTextfile);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return $"// Effective configuration ({c.Source})\n" + Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteRules(Utf8JsonWriter w, string name, List<RuleConfig> rules)
    {
        w.WriteStartArray(name);
        foreach (RuleConfig r in rules)
        {
            w.WriteStartObject();
            WriteIf(w, "exe", r.Exe);
            WriteIf(w, "cmdline", r.Cmdline);
            WriteIf(w, "comm", r.Comm);
            WriteIf(w, "user", r.User);
            WriteIf(w, "cgroup", r.Cgroup);
            WriteIf(w, "container", r.Container);
            WriteIf(w, "qos", r.Qos);
            WriteIf(w, "unit", r.Unit);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteIf(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
