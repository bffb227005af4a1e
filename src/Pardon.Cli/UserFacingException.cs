// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Cli;

/// <summary>An anticipated error: its message is printed as is (no stack trace) and the command exits with its code.</summary>
public sealed class UserFacingException : Exception
{
    public UserFacingException(ExitCode exitCode, string message)
        : base(message)
    {
        ExitCode = exitCode;
    }

    public UserFacingException()
    {
    }

    public UserFacingException(string message)
        : base(message)
    {
    }

    public UserFacingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ExitCode ExitCode { get; } = ExitCode.Failure;
}
