// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Engine;

namespace Pardon.Core.Tests.Engine;

public sealed class DeadlineHeapTests
{
    [Fact]
    public void TryPopDue_ReturnsDeadlinesInOrder_TiesByKey()
    {
        var heap = new DeadlineHeap(2);
        heap.Set(5, 300);
        heap.Set(1, 100);
        heap.Set(3, 200);
        heap.Set(0, 200);
        heap.Set(7, 100);

        var popped = new List<int>();
        while (heap.TryPopDue(long.MaxValue, out int key))
        {
            popped.Add(key);
        }

        Assert.Equal([1, 7, 0, 3, 5], popped);
        Assert.Equal(0, heap.Count);
    }

    [Fact]
    public void TryPopDue_LeavesFutureDeadlines()
    {
        var heap = new DeadlineHeap();
        heap.Set(0, 100);
        heap.Set(1, 150);

        Assert.True(heap.TryPopDue(120, out int key));
        Assert.Equal(0, key);
        Assert.False(heap.TryPopDue(120, out _));
        Assert.True(heap.TryPeek(out key, out long due));
        Assert.Equal((1, 150L), (key, due));
    }

    [Fact]
    public void Set_ExistingKey_MovesItsDeadlineBothWays()
    {
        var heap = new DeadlineHeap();
        heap.Set(0, 100);
        heap.Set(1, 200);
        heap.Set(2, 300);

        heap.Set(2, 50);   // earlier
        Assert.True(heap.TryPeek(out int key, out _));
        Assert.Equal(2, key);

        heap.Set(2, 400);  // later again
        Assert.True(heap.TryPeek(out key, out _));
        Assert.Equal(0, key);
        Assert.Equal(3, heap.Count);
        Assert.Equal(400, heap.DueOf(2));
    }

    [Fact]
    public void Remove_TakesTheKeyOutWherever_ItIs()
    {
        var heap = new DeadlineHeap();
        for (int k = 0; k < 10; k++)
        {
            heap.Set(k, 1000 - (k * 10));
        }

        Assert.True(heap.Remove(9));   // the earliest
        Assert.True(heap.Remove(4));   // one in the middle
        Assert.False(heap.Remove(4));  // twice
        Assert.False(heap.Remove(42)); // never set
        Assert.False(heap.Contains(4));
        Assert.Equal(long.MaxValue, heap.DueOf(4));

        var popped = new List<int>();
        while (heap.TryPopDue(long.MaxValue, out int key))
        {
            popped.Add(key);
        }

        Assert.Equal([8, 7, 6, 5, 3, 2, 1, 0], popped);
    }

    [Fact]
    public void RandomOperations_AgreeWithASortedModel()
    {
        var random = new Random(1234);
        var heap = new DeadlineHeap(1);
        var model = new Dictionary<int, long>();
        for (int step = 0; step < 20_000; step++)
        {
            int key = random.Next(64);
            switch (random.Next(4))
            {
                case 0:
                case 1:
                    long due = random.Next(1000);
                    heap.Set(key, due);
                    model[key] = due;
                    break;
                case 2:
                    Assert.Equal(model.Remove(key), heap.Remove(key));
                    break;
                default:
                    long now = random.Next(1000);
                    KeyValuePair<int, long>? expected = model.Where(kv => kv.Value <= now).OrderBy(kv => kv.Value).ThenBy(kv => kv.Key).Cast<KeyValuePair<int, long>?>().FirstOrDefault();
                    bool popped = heap.TryPopDue(now, out int got);
                    Assert.Equal(expected is not null, popped);
                    if (expected is { } e)
                    {
                        Assert.Equal(e.Key, got);
                        model.Remove(e.Key);
                    }

                    break;
            }

            Assert.Equal(model.Count, heap.Count);
        }
    }
}
