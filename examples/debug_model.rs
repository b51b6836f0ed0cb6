fn main() {
    let m = amn::Model::load(std::path::Path::new("/tmp/m")).unwrap();
    for t in &m.classifier.topics {
        println!(
            "{:?} blend {:?} thr {} nweights {} b {}",
            t.topic,
            t.blend,
            t.threshold,
            t.linear.weights.len(),
            t.linear.intercept
        );
    }
}
