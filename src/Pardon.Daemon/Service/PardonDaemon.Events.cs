// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;
using System.Text.Json;
using Pardon.Daemon.Configuration;
using Pardon.Daemon.Events;
using Pardon.Daemon.Hooks;
using Pardon.Daemon.Metrics;
using Pardon.Daemon.Notifications;
using Pardon.Linux.Logging;

namespace Pardon.Daemon.Service;

/// <summary>The daemon's event pipeline, what consumes it (hooks, notifications, histograms) and SIGHUP.</summary>
public sealed partial class PardonDaemon
{
    private readonly List<Func<PardonConfig, PardonConfig, IEnumerable<string>>> _reloaders = [];
    private readonly Lock _reloadLock = new();
    private LatencyRecorder? _latencies;
    private HookRunner? _hooks;
    private DesktopNotifier? _notifier;

    /// <summary>
    /// Adds a step to SIGHUP's configuration reload: given the running and the newly loaded configuration, it
    /// applies what it can and returns the top-level sections it applied (e.g. "hooks"). Sections that
    /// changed but no step applied are reported as needing a restart. The event pipeline registers its own
    /// step (`hooks`, `notifications`); the engine and the pardon service can add theirs (thresholds,
    /// pardon rules) the same way. Steps run on the signal-handling thread, never on the monitor's.
    /// </summary>
    public void AddReloadStep(Func<PardonConfig, PardonConfig, IEnumerable<string>> step)
    {
        lock (_reloadLock)
        {
            _reloaders.Add(step);
        }
    }

    /// <summary>The event log: the file, and stderr as plain lines or — when stderr is the journal — native journal entries.</summary>
    private EventLog CreateEventLog(PardonConfig config)
    {
        bool journal = config.EventsJournal && !_options.JsonLog &&
            JournalStream.Matches(Environment.GetEnvironmentVariable("JOURNAL_STREAM")) &&
            File.Exists(_options.JournalSocket);
        return new EventLog(new EventLogOptions
        {
            File = config.EventsFile,
            Log = _log,
            JsonToLog = _options.JsonLog,
            JournalSocket = journal ? _options.JournalSocket : null,
            Capacity = config.EventsQueue,
            CoalesceWindow = config.EventsCoalesceWindow,
        });
    }

    /// <summary>Histograms, hooks and notifications, each fed by the pipeline's thread (never the monitor's).</summary>
    private void StartConsumers(PardonConfig config, EventLog events, string scopeLabel)
    {
        _latencies = new LatencyRecorder(scopeLabel);
        events.AddConsumer(_latencies);

        // Created even with no hooks configured, so that a SIGHUP can add some.
        _hooks = new HookRunner(HookSettings.From(config), events);
        _owned.Add(_hooks);
        events.AddConsumer(_hooks);

        _notifier = new DesktopNotifier(NotificationSettings.From(config), new SessionBus(), events);
        _owned.Add(_notifier);
        events.AddConsumer(_notifier);

        AddReloadStep((running, loaded) =>
        {
            running.HooksOnKill = loaded.HooksOnKill;
            running.HooksOnPressure = loaded.HooksOnPressure;
            running.HooksOnWarning = loaded.HooksOnWarning;
            running.HooksTimeout = loaded.HooksTimeout;
            running.HooksMaxConcurrent = loaded.HooksMaxConcurrent;
            _hooks.Update(HookSettings.From(running));
            running.NotificationsEnabled = loaded.NotificationsEnabled;
            running.NotificationsWarnings = loaded.NotificationsWarnings;
            running.NotificationsMinInterval = loaded.NotificationsMinInterval;
            _notifier.Update(NotificationSettings.From(running));
            return ["hooks", "notifications"];
        });
    }

    private void OnHangup(PosixSignalContext context)
    {
        // SIGHUP's default action ends the process (without `stop`, leaving the socket): handle it instead.
        context.Cancel = true;
        Reload();
    }

    /// <summary>
    /// SIGHUP: the events file is reopened (logrotate moved it away; a new one is created), then the
    /// configuration file is read again. A file that no longer loads is reported and the running
    /// configuration kept; otherwise each reload step applies what it owns, and a `reload` event lists
    /// what was applied and what changed but needs a restart.
    /// </summary>
    public void Reload()
    {
        _events?.Reopen();
        PardonConfig? running = Config;
        if (_events is null || running is null)
        {
            return;
        }

        lock (_reloadLock)
        {
            PardonConfig loaded;
            try
            {
                loaded = LoadConfig(_options);
            }
            catch (Exception ex) when (ex is ConfigException or IOException or UnauthorizedAccessException)
            {
                _events.Emit(new DaemonEvent
                {
                    Event = "warning",
                    Code = "config_reload",
                    Config = running.Source,
                    Message = $"SIGHUP: events file reopened; the configuration was not reloaded and stays as it was: {ex.Message}",
                });
                return;
            }

            List<string> changed = ChangedSections(running, loaded);
            var applied = new List<string>();
            foreach (Func<PardonConfig, PardonConfig, IEnumerable<string>> step in _reloaders)
            {
                applied.AddRange(step(running, loaded).Where(changed.Contains));
            }

            List<string> restart = changed.Except(applied).ToList();
            _events.Emit(new DaemonEvent
            {
                Event = "reload",
                Config = loaded.Source,
                Applied = applied.Distinct().ToList(),
                RestartNeeded = restart,
                Message = "SIGHUP: events file reopened; configuration " +
                    (changed.Count == 0 ? "unchanged" : (applied.Count > 0 ? "applied: " + string.Join(", ", applied.Distinct()) : "nothing applied")) +
                    (restart.Count > 0 ? "; changed but needs a restart: " + string.Join(", ", restart) : ""),
            });
        }
    }

    /// <summary>The top-level sections whose effective values differ (as --print-config writes them).</summary>
    internal static List<string> ChangedSections(PardonConfig a, PardonConfig b)
    {
        using JsonDocument da = JsonDocument.Parse(Strip(ConfigWriter.Write(a)));
        using JsonDocument db = JsonDocument.Parse(Strip(ConfigWriter.Write(b)));
        var changed = new List<string>();
        foreach (JsonProperty p in da.RootElement.EnumerateObject())
        {
            if (!db.RootElement.TryGetProperty(p.Name, out JsonElement other) || other.GetRawText() != p.Value.GetRawText())
            {
                changed.Add(p.Name);
            }
        }

        return changed;

        static string Strip(string text) => text[(text.IndexOf('\n', StringComparison.Ordinal) + 1)..]; // the "// Effective configuration" line
    }

    /// <summary>The pipeline's and its consumers' figures for `pardon status`.</summary>
    private (EventPipelineStatus?, ConsumerCounters?, ConsumerCounters?) EventStatus() => (
        _events?.Status(),
        _hooks is null ? null : new ConsumerCounters { Sent = _hooks.Started, Failed = _hooks.Failed, Dropped = _hooks.Dropped },
        _notifier is null ? null : new ConsumerCounters { Sent = _notifier.Sent, Failed = _notifier.Failed, Dropped = _notifier.Dropped });
}
