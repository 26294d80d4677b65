/// `base_image`: an image reference, or another `ImageSpec` whose `image_name()` is used (and built first).
public indirect enum BaseImage: Sendable, Hashable {
    /// An image reference such as `python:3.11-slim` (hashed as written).
    case reference(String)
    /// A nested spec: hashed in `tag` as its image name, and in `id` as its own filtered field dict.
    case spec(ImageSpec)
}
