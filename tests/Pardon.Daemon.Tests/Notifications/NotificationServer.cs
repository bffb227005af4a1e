// This file is part of Pardon, a userspace OOM killer for Linux.

using Tmds.DBus.Protocol;

namespace Pardon.Daemon.Tests.Notifications;

/// <summary>org.freedesktop.Notifications as a test double on a real bus: records each Notify call and answers with an id.</summary>
public sealed class NotificationServer : IPathMethodHandler
{
    private readonly Lock _lock = new();
    private readonly List<Call> _calls = [];

    public string Path => "/org/freedesktop/Notifications";

    public bool HandlesChildPaths => false;

    public List<Call> Calls()
    {
        lock (_lock)
        {
            return [.. _calls];
        }
    }

    public ValueTask HandleMethodAsync(MethodContext context)
    {
        Message request = context.Request;
        if (request.InterfaceAsString != "org.freedesktop.Notifications" || request.MemberAsString != "Notify")
        {
            context.ReplyUnknownMethodError();
            return ValueTask.CompletedTask;
        }

        Reader reader = request.GetBodyReader();
        string app = reader.ReadString();
        uint replaces = reader.ReadUInt32();
        string icon = reader.ReadString();
        string summary = reader.ReadString();
        string body = reader.ReadString();
        string[] actions = reader.ReadArrayOfString();
        Dictionary<string, VariantValue> hints = reader.ReadDictionaryOfStringToVariantValue();
        int timeout = reader.ReadInt32();
        uint id;
        lock (_lock)
        {
            _calls.Add(new Call(app, replaces, icon, summary, body, actions, hints.ToDictionary(h => h.Key, h => h.Value.ToString()), timeout, DateTime.UtcNow));
            id = (uint)_calls.Count;
        }

        using MessageWriter writer = context.CreateReplyWriter("u");
        writer.WriteUInt32(id);
        context.Reply(writer.CreateMessage());
        return ValueTask.CompletedTask;
    }

    public sealed record Call(string App, uint Replaces, string Icon, string Summary, string Body, string[] Actions, Dictionary<string, string> Hints, int Timeout, DateTime At);
}
