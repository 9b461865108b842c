import Benchmark

let benchmarks: @Sendable () -> Void = {
    Benchmark("DCAP placeholder") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(benchmark.scaledIterations.count) }
    }
}
