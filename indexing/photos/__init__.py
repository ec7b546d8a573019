"""Albums, photos and faces: models, services (every photo enters through photo_create and leaves
through photo_delete), selectors, the indexing pipeline (pipeline/) and its task (tasks.index_photo)."""
