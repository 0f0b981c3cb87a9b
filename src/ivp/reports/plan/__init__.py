"""Reports on the IVP: the midterm evaluation and council information letters (Rib) per subject."""
