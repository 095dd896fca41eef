resource "azurerm_public_ip" "lb" {
  name                = "pip-lb-public"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  allocation_method   = "Static"
  sku                 = "Standard"
}

resource "azurerm_lb" "public" {
  name                = "lb-public"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  sku                 = "Standard"

  frontend_ip_configuration {
    name                 = "public"
    public_ip_address_id = azurerm_public_ip.lb.id
  }
}

# SSH to the VM through the load balancer's public address, on port 2222.
resource "azurerm_lb_nat_rule" "ssh" {
  name                           = "ssh-vm-app"
  resource_group_name            = azurerm_resource_group.main.name
  loadbalancer_id                = azurerm_lb.public.id
  protocol                       = "Tcp"
  frontend_port                  = 2222
  backend_port                   = 22
  frontend_ip_configuration_name = "public"
}

resource "azurerm_network_interface_nat_rule_association" "vm_ssh" {
  network_interface_id  = azurerm_network_interface.vm.id
  ip_configuration_name = "internal"
  nat_rule_id           = azurerm_lb_nat_rule.ssh.id
}
