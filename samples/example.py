"""A tiny inventory: enough Python for a character model to learn indentation and names."""

from dataclasses import dataclass, field


@dataclass
class Item:
    name: str
    price: float
    quantity: int = 0


@dataclass
class Inventory:
    items: dict[str, Item] = field(default_factory=dict)

    def add(self, name: str, price: float, quantity: int = 1) -> Item:
        item = self.items.get(name)
        if item is None:
            item = Item(name, price, 0)
            self.items[name] = item
        item.quantity += quantity
        return item

    def remove(self, name: str, quantity: int = 1) -> None:
        item = self.items[name]
        if quantity > item.quantity:
            raise ValueError(f"only {item.quantity} of {name} left")
        item.quantity -= quantity
        if item.quantity == 0:
            del self.items[name]

    def total(self) -> float:
        return sum(item.price * item.quantity for item in self.items.values())


def main() -> None:
    inventory = Inventory()
    inventory.add("apple", 0.5, 10)
    inventory.add("pear", 0.75, 4)
    inventory.remove("apple", 3)
    for name, item in sorted(inventory.items.items()):
        print(f"{name:>8}: {item.quantity:3d} x {item.price:.2f}")
    print(f"total: {inventory.total():.2f}")


if __name__ == "__main__":
    main()
