"""Customer signals: tracked links (the material radar), mall behaviour, products and recommendations."""
