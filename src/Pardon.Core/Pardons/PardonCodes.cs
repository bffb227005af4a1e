// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Pardons;

/// <summary>
/// The stable, machine-readable codes of the pardon protocol and its events (docs/protocol.md). Scripts
/// branch on these; the human text next to them may change.
/// </summary>
public static class PardonCodes
{
    // Denials decided by PardonPolicy.

    /// <summary>The target belongs to another user.</summary>
    public const string NotOwner = "not_owner";

    /// <summary>The target's verified executable (device + inode) is not one pardon.allow names.</summary>
    public const string ExeNotAllowed = "exe_not_allowed";

    /// <summary>The allow rule matching the executable is limited to other users.</summary>
    public const string UserNotAllowed = "user_not_allowed";

    /// <summary>The target already uses more memory (RSS + swap) than the pardon's ceiling.</summary>
    public const string OverCeiling = "over_ceiling";

    /// <summary>The caller already holds pardon.max_per_user pardons.</summary>
    public const string TooMany = "too_many";

    /// <summary>The requested TTL is longer than the rule's max_ttl.</summary>
    public const string TtlTooLong = "ttl_too_long";

    /// <summary>The target can never be pardoned: pid 1, a kernel thread, the daemon itself.</summary>
    public const string NotPermitted = "not_permitted";

    // Denials decided by the service before the policy is asked.

    /// <summary>No such process (or it exited while being checked).</summary>
    public const string NoSuchProcess = "no_such_process";

    /// <summary>A release for a process that holds no pardon.</summary>
    public const string NotPardoned = "not_pardoned";

    // Protocol errors.

    /// <summary>Malformed JSON, an unknown op or field, a value of the wrong type or range, an oversized line.</summary>
    public const string BadRequest = "bad_request";

    /// <summary>Too many clients are connected (in all, or from this uid), or this uid sends too many requests; try again.</summary>
    public const string Busy = "busy";

    /// <summary>The daemon failed to answer (a bug or an I/O failure); the message says what.</summary>
    public const string Internal = "internal";

    // Why a pardon ended (pardon_revoked / pardon_released events).

    /// <summary>The pardoned process grew past its ceiling.</summary>
    public const string CeilingExceeded = "over_ceiling";

    /// <summary>The pardon's TTL ran out.</summary>
    public const string Expired = "expired";

    /// <summary>The pardoned process exec'd another executable, so the identity the pardon was granted for is gone.</summary>
    public const string ExeChanged = "exe_changed";

    /// <summary>A persisted pardon no longer names a live process with the same start time and executable.</summary>
    public const string Stale = "stale";

    /// <summary>A persisted pardon the current configuration would no longer grant.</summary>
    public const string Policy = "policy";

    /// <summary>
    /// The pardoned process holds more descriptors and mappings than the worker examines, so the memory it holds
    /// (shared-memory files among them) cannot be judged against its ceiling.
    /// </summary>
    public const string Unverifiable = "unverifiable";

    /// <summary>The pardoned process exited.</summary>
    public const string Exited = "exited";

    /// <summary>Released on request.</summary>
    public const string Released = "released";
}
