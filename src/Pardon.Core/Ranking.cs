// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>
/// A scope's processes evaluated at one instant: whom the kernel would kill now, whom Pardon would, and
/// every evaluation in the kernel's iteration order.
/// </summary>
public sealed partial class Ranking
{
    private Evaluation[] _items = new Evaluation[256];

    public OomScope Scope { get; internal set; } = null!;

    public long NowMs { get; internal set; }

    public int Count { get; internal set; }

    public ReadOnlySpan<Evaluation> Items => _items.AsSpan(0, Count);

    /// <summary>Index into <see cref="Items"/> of the kernel's victim, or -1.</summary>
    public int KernelVictim { get; internal set; } = -1;

    /// <summary>Index into <see cref="Items"/> of Pardon's victim, or -1.</summary>
    public int Victim { get; internal set; } = -1;

    public ref Evaluation this[int index] => ref _items[index];

    internal Span<Evaluation> Prepare(int count)
    {
        if (_items.Length < count)
        {
            _items = new Evaluation[count * 2];
        }

        Array.Clear(_items, 0, Math.Max(Count, count));
        Count = count;
        KernelVictim = -1;
        Victim = -1;
        return _items.AsSpan(0, count);
    }

    /// <summary>Indices of the eligible candidates, best first by Pardon's order; the victim, if any, comes first.</summary>
    public int[] CandidatesInOrder()
    {
        var list = new List<int>();
        for (int i = 0; i < Count; i++)
        {
            if (_items[i].Eligible)
            {
                list.Add(i);
            }
        }

        int[] result = list.ToArray();
        Array.Sort(result, (a, b) => VictimSelector.Compare(in _items[b], in _items[a]));
        return result;
    }
}
