import Spec

extension BuildPlan {
    /// Applies the flytekit plugin's document: checks that this plan's image name is the one flytekit computed
    /// (refusing to build under another) and makes the image carry flytekit's `id` as `_F_IMG_ID`.
    ///
    /// - Throws: ``BuildError`` of kind ``BuildError/Kind/invalidSpec`` naming both names.
    public mutating func apply(_ document: FlytekitDocument) throws(BuildError) {
        guard imageName == document.imageName else {
            throw BuildError(
                .invalidSpec,
                "imagespec names this spec \(imageName) but flytekit named it \(document.imageName) — refusing "
                    + "to build under a name flytekit would not use; please report it with the document "
                    + "(IMAGESPEC_KEEP_DOCUMENT=1 keeps it)")
        }
        specID = document.id
    }
}
