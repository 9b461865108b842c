import Benchmark

let benchmarks: @Sendable () -> Void = {
    Benchmark("JOSE placeholder") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(benchmark.scaledIterations.count) }
    }
}
