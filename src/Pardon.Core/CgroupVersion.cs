// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

public enum CgroupVersion
{
    V1 = 1,
    V2 = 2,
}
