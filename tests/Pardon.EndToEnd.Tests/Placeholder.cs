namespace Pardon.EndToEnd.Tests; public sealed class Placeholder { [Fact] public void Builds() => Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "memhog"))); }
