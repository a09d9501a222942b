"""dangqun: a platform for the party-and-masses work of an enterprise."""
