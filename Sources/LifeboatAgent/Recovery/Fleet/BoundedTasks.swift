/// Runs one async job per item with at most `limit` in flight, results in the items' order: thousands of
/// small requests to a bucket overlap without opening thousands of connections at once.
enum BoundedTasks {
    static func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], limit: Int, _ body: @escaping @Sendable (Item) async -> Result
    ) async -> [Result] {
        var results = [Result?](repeating: nil, count: items.count)
        await withTaskGroup(of: (Int, Result).self) { group in
            var next = 0
            func start() {
                guard next < items.count else { return }
                let i = next
                let item = items[i]
                next += 1
                group.addTask { (i, await body(item)) }
            }
            for _ in 0..<max(1, limit) { start() }
            while let (i, r) = await group.next() {
                results[i] = r
                start()
            }
        }
        return results.compactMap { $0 }
    }
}
